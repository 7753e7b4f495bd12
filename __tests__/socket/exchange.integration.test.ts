// Two processes exchange messages over each socket type; message boundaries of datagram and
// seqpacket sockets hold end to end.
import path from 'node:path';

import { UnixSocket, type SocketType, type UnixAddress } from '../../src/socket';
import { startChild } from './child-process';
import { makeTempDir } from './temp-dir';

const itLinux = process.platform === 'linux' ? it : it.skip;
const temp = makeTempDir();
afterAll(() => temp.remove());

// macOS caps a datagram at 2048 bytes by default; every size here fits both platforms.
const SIZES = [1, 17, 2000, 3, 512];
const messages = SIZES.map((size, index) => Buffer.alloc(size, 65 + index));

async function exchange(type: SocketType, serverAddress: UnixAddress, clientAddress?: UnixAddress): Promise<void> {
  const child = startChild('__tests__/socket/children/echo-peer.ts', [type, JSON.stringify(serverAddress)]);
  const client = UnixSocket.create(type);
  try {
    expect(await child.next('ready')).toEqual({ ready: true });
    if (type === 'dgram') {
      client.bind(clientAddress!);
      for (const message of messages) await client.send(message, { to: serverAddress });
      for (const message of messages) {
        const reply = await client.recv();
        expect(reply.data).toEqual(message);
        expect(reply.from).toEqual(serverAddress);
      }
      await client.send(Buffer.from('END'), { to: serverAddress });
    } else {
      await client.connect(serverAddress);
      expect(client.remoteAddress()).toEqual(serverAddress);
      const sends = messages.map((message) => client.send(message));
      expect(await Promise.all(sends)).toEqual(SIZES);
      if (type === 'seqpacket') {
        for (const message of messages) expect((await client.recv()).data).toEqual(message);
      } else {
        const expected = Buffer.concat(messages);
        const chunks: Buffer[] = [];
        for (let total = 0; total < expected.length; ) {
          const { data } = await client.recv();
          chunks.push(data);
          total += data.length;
        }
        expect(Buffer.concat(chunks)).toEqual(expected);
      }
      client.shutdown('write');
      expect(await client.recv()).toMatchObject({ eof: true, data: Buffer.alloc(0) });
    }
    const done = await child.next('done');
    expect(done).toEqual({ done: true, echoed: type === 'stream' ? expect.any(Number) : SIZES.length });
    expect(await child.exited()).toBe(0);
  } finally {
    client.close();
    await child.stop();
  }
}

describe('two processes exchange messages', () => {
  it('over a stream socket (all bytes, in order)', () => exchange('stream', path.join(temp.dir, 'stream.sock')));

  it('over a datagram socket (each datagram arrives whole and alone)', () =>
    exchange('dgram', path.join(temp.dir, 'dgram.sock'), path.join(temp.dir, 'dgram-client.sock')));

  itLinux('over a seqpacket socket, boundaries kept (Linux only: macOS has no AF_UNIX SOCK_SEQPACKET)', () =>
    exchange('seqpacket', path.join(temp.dir, 'seqpacket.sock')));

  itLinux('over abstract addresses (Linux only: macOS has no abstract namespace)', async () => {
    const name = `uds-fixture-test-${process.pid}`;
    await exchange('stream', { abstract: `${name}-stream` });
    await exchange('dgram', { abstract: `${name}-dgram` }, { abstract: `${name}-dgram-client` });
  });

  it('socketpair gives two connected, unnamed ends', async () => {
    const [left, right] = UnixSocket.pair('dgram');
    try {
      expect(left.localAddress()).toBeUndefined();
      expect(right.remoteAddress()).toBeUndefined();
      await left.send(Buffer.from('one'));
      await left.send(Buffer.alloc(0));
      await left.send(Buffer.from('three'));
      expect((await right.recv()).data.toString()).toBe('one');
      expect(await right.recv()).toMatchObject({ data: Buffer.alloc(0), eof: false });
      expect((await right.recv({ maxBytes: 2 })).truncated).toBe(true);
    } finally {
      left.close();
      right.close();
    }
  });
});
