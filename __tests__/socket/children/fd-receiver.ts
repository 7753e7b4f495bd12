// Listens at `path`, receives one message with room for `room` descriptors, closes what arrived
// and reports its open-descriptor count before and after.
import { closeSync, fstatSync } from 'node:fs';

import { UnixSocket, openDescriptorCount } from '../../../src/socket';
import { announce, failOn } from './io';

async function main(): Promise<void> {
  const [socketPath, room] = process.argv.slice(2) as [string, string];
  const server = UnixSocket.create('stream');
  server.bind(socketPath);
  server.listen();
  announce({ ready: true });
  const connection = await server.accept();
  const before = openDescriptorCount();
  const message = await connection.recvFds({ room: Number(room) });
  const received = message.fds.map((fd) => ({ fd, isFile: fstatSync(fd).isFile() }));
  const during = openDescriptorCount();
  for (const fd of message.fds) closeSync(fd);
  const after = openDescriptorCount();
  announce({ data: message.data.toString(), received, controlTruncated: message.controlTruncated, before, during, after });
  connection.close();
  server.close();
}

failOn(main());
