// On Linux the engine moves datagram and seqpacket messages in batches (sendmmsg / recvmmsg); a
// batch never takes more than the run can still use, so a message the peer sends after its traffic
// is left in the socket for the step that reads it next. Everything is queued before the receiver
// starts, so a batch of 32 would see all of it. (On macOS the engine reads one message per call:
// the same result without batching.)
import { UnixSocket } from '../../src/socket';
import { receiveTraffic } from '../../src/traffic';
import { dataFrame, endFrame, senderNumber } from '../../src/traffic/frame';

const itSeqpacket = process.platform === 'linux' ? it : it.skip;

async function leftAfterTraffic(type: 'dgram' | 'seqpacket'): Promise<void> {
  const [out, into] = UnixSocket.pair(type);
  try {
    const sender = senderNumber('client');
    for (let seq = 0; seq < 3; seq++) await out.send(dataFrame(sender, seq, 64));
    await out.send(endFrame(sender, 3, 'client'));
    await out.send(Buffer.from('bye'));
    await out.send(Buffer.from('and more'));
    const summary = await receiveTraffic(into, { count: 3, size: { min: 64, max: 64 } }).result;
    expect(summary).toMatchObject({ stopped: 'complete', unique: 3, lost: 0, corrupt: 0 });
    expect((await into.recv({ maxBytes: 100 })).data.toString()).toBe('bye');
    expect((await into.recv({ maxBytes: 100 })).data.toString()).toBe('and more');
  } finally {
    out.close();
    into.close();
  }
}

describe('batched sequence traffic on message sockets', () => {
  it('dgram: messages after the END frame stay in the socket', () => leftAfterTraffic('dgram'));
  itSeqpacket('seqpacket: messages after the END frame stay in the socket (Linux only: macOS has no AF_UNIX SOCK_SEQPACKET)', () => leftAfterTraffic('seqpacket'));
});
