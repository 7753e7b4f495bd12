// A sender that outruns its reader waits for writability: every datagram arrives, in order.
import path from 'node:path';

import { UnixSocket } from '../../src/socket';
import { startChild } from './child-process';
import { makeTempDir } from './temp-dir';

const temp = makeTempDir();
afterAll(() => temp.remove());

const COUNT = 10_000;

it(`${COUNT} datagrams to a slow reader all arrive in order; the sender meets backpressure and waits`, async () => {
  const socketPath = path.join(temp.dir, 'slow.sock');
  const child = startChild('__tests__/socket/children/slow-reader.ts', [socketPath, String(COUNT)]);
  const sender = UnixSocket.create('dgram');
  try {
    await child.next('ready');
    await sender.connect(socketPath);
    let settled = 0;
    const sends = Array.from({ length: COUNT }, (_, sequence) => {
      const message = Buffer.alloc(32);
      message.writeUInt32BE(sequence, 0);
      return sender.send(message).then((bytes) => {
        settled++;
        return bytes;
      });
    });
    // The reader has not read yet: its queue fills and the rest of the sends must wait.
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBeGreaterThan(0);
    expect(settled).toBeLessThan(COUNT);

    child.send('go');
    expect(await Promise.all(sends)).toEqual(new Array(COUNT).fill(32));
    expect(await child.next('report', 20_000)).toEqual({ last: COUNT - 1, outOfOrder: 0 });
    expect(await child.exited()).toBe(0);
  } finally {
    sender.close();
    await child.stop();
  }
});

it('several stream sends in flight are written whole and in order through a full buffer', async () => {
  const [writer, reader] = UnixSocket.pair('stream');
  try {
    const chunks = Array.from({ length: 8 }, (_, index) => Buffer.alloc(256 * 1024, index));
    const sends = Promise.all(chunks.map((chunk) => writer.send(chunk)));
    const expected = Buffer.concat(chunks);
    const received: Buffer[] = [];
    for (let total = 0; total < expected.length; ) {
      const { data } = await reader.recv({ maxBytes: 100_000 });
      received.push(data);
      total += data.length;
    }
    expect(await sends).toEqual(chunks.map((chunk) => chunk.length));
    expect(Buffer.concat(received).equals(expected)).toBe(true);
  } finally {
    writer.close();
    reader.close();
  }
});

/** Counts the calls of one native method of a socket (the handle is private: reached for here only). */
function countCalls(sock: UnixSocket, method: 'sendmsg' | 'recvmsg'): () => number {
  const native = (sock as unknown as { native: Record<string, (...args: unknown[]) => unknown> }).native;
  const original = native[method]!.bind(native);
  let calls = 0;
  // The addon's methods are read-only on its prototype: shadow one on this instance.
  Object.defineProperty(native, method, {
    configurable: true,
    value: (...args: unknown[]) => {
      calls++;
      return original(...args);
    },
  });
  return () => calls;
}

const turnsOfTheLoop = async (n: number): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

it('a blocked send and a pending recv wait for readiness: no syscall is retried while nothing changes', async () => {
  const [writer, reader] = UnixSocket.pair('stream');
  const [idle, other] = UnixSocket.pair('stream');
  try {
    const sends = countCalls(writer, 'sendmsg');
    const recvs = countCalls(idle, 'recvmsg');
    const big = Buffer.alloc(8 << 20, 7); // far more than the socket buffers hold
    const sending = writer.send(big);
    const receiving = idle.recv();
    // If an expectation fails, closing the sockets cancels these: that must not mask the failure.
    sending.catch(() => undefined);
    receiving.catch(() => undefined);
    // 300 turns of the event loop with nobody reading or writing: a busy retry would call the
    // syscalls hundreds of times; waiting for readiness calls each once or twice.
    await turnsOfTheLoop(300);
    // (A retry loop, even one that backs off, shows as 4 or more calls here: checked.)
    expect(sends()).toBeLessThanOrEqual(2);
    expect(recvs()).toBeLessThanOrEqual(2);
    // And both still complete once the other side acts.
    let got = 0;
    while (got < big.length) got += (await reader.recv({ maxBytes: 1 << 20 })).data.length;
    expect(await sending).toBe(big.length);
    await other.send(Buffer.from('x'));
    expect((await receiving).data.toString()).toBe('x');
  } finally {
    for (const s of [writer, reader, idle, other]) s.close();
  }
});
