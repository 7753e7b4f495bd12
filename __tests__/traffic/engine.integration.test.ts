// The native engine between two real processes, over every socket type: everything arrives once,
// in order and intact; and each injected fault is caught by the receiver on its own.
import path from 'node:path';
import { UnixSocket, type SocketType } from '../../src/socket';
import { receiveTraffic, type ReceiverSummary, type SenderSummary, type TrafficInjection } from '../../src/traffic';
import { makeTempDir } from '../socket/temp-dir';
import { startChild } from './processes';

const SENDER = '__tests__/traffic/children/sender.ts';
const itSeqpacket = process.platform === 'linux' ? it : it.skip;

async function exchange(type: SocketType, count: number, size: { min: number; max: number }, inject?: TrafficInjection, connect = true): Promise<{ sent: SenderSummary; received: ReceiverSummary }> {
  const tmp = makeTempDir();
  const server = UnixSocket.create(type);
  let conn: UnixSocket | undefined;
  const sockPath = path.join(tmp.dir, 's.sock');
  let child: ReturnType<typeof startChild> | undefined;
  try {
    server.bind(sockPath);
    if (type !== 'dgram') server.listen(4);
    child = startChild(SENDER, [sockPath, JSON.stringify({ type, connect, senderId: 'client', count, size, ...(inject ? { inject } : {}) })]);
    conn = type === 'dgram' ? server : await server.accept();
    const received = await receiveTraffic(conn, { count, size }).result;
    const sent = await child.json<SenderSummary>();
    return { sent, received };
  } finally {
    child?.kill();
    if (conn && conn !== server) conn.close();
    server.close();
    tmp.remove();
  }
}

function expectClean(received: ReceiverSummary, count: number): void {
  expect(received).toMatchObject({ count, received: count, unique: count, lost: 0, duplicated: 0, reordered: 0, corrupt: 0, boundaryViolations: 0, anomalies: [], stopped: 'complete' });
  expect(received.senders).toEqual({ client: count });
  expect(received.latency?.count).toBe(count);
}

describe('sequence traffic between two processes', () => {
  it('stream: 20 000 frames of 32..4096 bytes arrive complete, once, in order, intact', async () => {
    const { sent, received } = await exchange('stream', 20_000, { min: 32, max: 4096 });
    expect(sent).toMatchObject({ role: 'sender', count: 20_000, sent: 20_000, stopped: 'complete' });
    expectClean(received, 20_000);
    expect(received.bytes).toBe(sent.bytes - (32 + 8 + 'client'.length));
  });

  it('dgram (connected): 20 000 datagrams, one frame each', async () => {
    const { received } = await exchange('dgram', 20_000, { min: 64, max: 1024 });
    expectClean(received, 20_000);
  });

  it('dgram (unconnected sendto): a slower receiver is waited for, not flooded', async () => {
    const { received } = await exchange('dgram', 20_000, { min: 64, max: 64 }, undefined, false);
    expectClean(received, 20_000);
  });

  itSeqpacket('seqpacket: 20 000 messages (Linux only: macOS has no AF_UNIX SOCK_SEQPACKET)', async () => {
    const { received } = await exchange('seqpacket', 20_000, { min: 32, max: 2048 });
    expectClean(received, 20_000);
  });
});

describe('each injected fault is caught', () => {
  const count = 100;
  const size = { min: 64, max: 64 };

  it('a dropped message: lost 1, and its sequence number is named', async () => {
    const { received } = await exchange('dgram', count, size, { drop: [5] });
    expect(received).toMatchObject({ lost: 1, duplicated: 0, reordered: 0, corrupt: 0 });
    expect(received.perSender[0]!.missing).toEqual([5]);
  });

  it('a duplicated message: duplicated 1, "#7 arrived twice"', async () => {
    const { received } = await exchange('dgram', count, size, { dup: [7] });
    expect(received).toMatchObject({ lost: 0, duplicated: 1, reordered: 0, corrupt: 0 });
    expect(received.anomalies.map((a) => a.text)).toEqual(['#7 arrived twice']);
  });

  it('two swapped messages: reordered 1, "#11 arrived before #10"', async () => {
    const { received } = await exchange('stream', count, size, { swap: [[10, 11]] });
    expect(received).toMatchObject({ lost: 0, duplicated: 0, reordered: 1, corrupt: 0 });
    expect(received.anomalies).toEqual([expect.objectContaining({ kind: 'reordered', sender: 'client', seq: 10, after: 11, text: '#11 arrived before #10' })]);
  });

  it('a corrupted message: corrupt 1, "#13 failed its checksum"', async () => {
    const { received } = await exchange('stream', count, size, { corrupt: [13] });
    expect(received).toMatchObject({ duplicated: 0, reordered: 0, corrupt: 1 });
    expect(received.anomalies).toEqual([expect.objectContaining({ kind: 'corrupt', seq: 13, detail: 'checksum' })]);
    // a frame that did not arrive intact did not arrive
    expect(received.perSender[0]!.missing).toEqual([13]);
  });
});
