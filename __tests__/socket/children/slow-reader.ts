// Binds a datagram socket, then reads nothing until the test says "go": the sender meets a full
// queue first. Reports whether all `count` sequence numbers arrived once and in order.
import { unlinkSync } from 'node:fs';

import { UnixSocket } from '../../../src/socket';
import { announce, failOn, nextCommand } from './io';

async function main(): Promise<void> {
  const [socketPath, count] = process.argv.slice(2) as [string, string];
  const expected = Number(count);
  const reader = UnixSocket.create('dgram');
  reader.bind(socketPath);
  announce({ ready: true });
  await nextCommand();
  let next = 0;
  let outOfOrder = 0;
  while (next < expected) {
    const message = await reader.recv({ maxBytes: 64 });
    const sequence = message.data.readUInt32BE(0);
    if (sequence !== next) outOfOrder++;
    next = sequence + 1;
    // Yield to the loop between messages: a slow reader, so the sender keeps meeting a full queue.
    if (sequence % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  reader.close();
  unlinkSync(socketPath);
  announce({ last: next - 1, outOfOrder });
}

failOn(main());
