// Connects to the test's listener and passes a file, a pipe (FIFO) read end and one end of a
// socketpair in one message, announcing their dev/ino so the test can prove they arrived as the
// same open files.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

import { UnixSocket } from '../../../src/socket';
import { announce, failOn, nextCommand } from './io';

function identity(fd: number): { dev: number; ino: number } {
  const stat = fstatSync(fd);
  return { dev: stat.dev, ino: stat.ino };
}

async function main(): Promise<void> {
  const [socketPath, dir] = process.argv.slice(2) as [string, string];
  const filePath = path.join(dir, 'passed.txt');
  writeFileSync(filePath, 'file content\n');
  const file = openSync(filePath, 'r');

  const fifoPath = path.join(dir, 'passed.fifo');
  execFileSync('mkfifo', [fifoPath]);
  const pipeRead = openSync(fifoPath, constants.O_RDONLY | constants.O_NONBLOCK);
  const pipeWrite = openSync(fifoPath, constants.O_WRONLY);
  writeSync(pipeWrite, 'pipe content\n');
  closeSync(pipeWrite);

  const [kept, passed] = UnixSocket.pair('stream');
  await kept.send(Buffer.from('socket content\n'));

  const client = UnixSocket.create('stream');
  await client.connect(socketPath);
  announce({ file: identity(file), pipe: identity(pipeRead), socket: identity(passed.fd) });
  await client.send(Buffer.from('F'), { fds: [file, pipeRead, passed.fd] });
  // The message holds its own references: closing ours must not affect what the test received.
  closeSync(file);
  closeSync(pipeRead);
  passed.close();
  await nextCommand();
  kept.close();
  client.close();
}

failOn(main());
