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
