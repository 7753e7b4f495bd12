// SCM_RIGHTS between processes: what arrives is the same open file, flags are set on arrival,
// truncated control data leaks nothing, and the per-message limit is SCM_MAX_FD (253).
import { spawnSync } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { UnixSocket, MAX_FDS_PER_MESSAGE } from '../../src/socket';
import { startChild } from './child-process';
import { makeTempDir } from './temp-dir';

const itLinux = process.platform === 'linux' ? it : it.skip;
const temp = makeTempDir();
afterAll(() => temp.remove());

function identity(fd: number): { dev: number; ino: number } {
  const stat = fstatSync(fd);
  return { dev: stat.dev, ino: stat.ino };
}

function readAll(fd: number, position: number | null): string {
  const buffer = Buffer.alloc(256);
  const length = readSync(fd, buffer, 0, buffer.length, position);
  return buffer.subarray(0, length).toString();
}

// Linux shows a descriptor's open flags (octal) in /proc/self/fdinfo.
const O_NONBLOCK = 0o4000;
const O_CLOEXEC = 0o2000000;
function fdinfoFlags(fd: number): number {
  const line = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').split('\n').find((l) => l.startsWith('flags:'))!;
  return parseInt(line.split(/\s+/)[1]!, 8);
}

// A child that inherits nothing must not see the descriptor (or sees an unrelated file there).
function childSeesSameFile(fd: number): boolean {
  const script = `try { const s = require('fs').fstatSync(${fd}); console.log(JSON.stringify({ dev: s.dev, ino: s.ino })) } catch { console.log('null') }`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
  const seen = JSON.parse(result.stdout) as { dev: number; ino: number } | null;
  return seen !== null && seen.dev === identity(fd).dev && seen.ino === identity(fd).ino;
}

describe('passing descriptors between processes', () => {
  it('a file, a pipe and a socket arrive as the same open files, close-on-exec, their blocking mode untouched', async () => {
    const socketPath = path.join(temp.dir, 'fds.sock');
    const server = UnixSocket.create('stream');
    server.bind(socketPath);
    server.listen();
    const child = startChild('__tests__/socket/children/fd-sender.ts', [socketPath, temp.dir]);
    const received: number[] = [];
    try {
      const connection = await server.accept();
      const sent = (await child.next('identities')) as Record<'file' | 'pipe' | 'socket', { dev: number; ino: number }>;
      const message = await connection.recv();
      received.push(...message.fds);
      expect(message).toMatchObject({ controlTruncated: false, truncated: false });
      expect(message.data.toString()).toBe('F');
      expect(message.fds).toHaveLength(3);
      const [file, pipe, socketFd] = message.fds as [number, number, number];

      expect(identity(file)).toEqual(sent.file);
      expect(identity(pipe)).toEqual(sent.pipe);
      expect(identity(socketFd)).toEqual(sent.socket);
      expect(fstatSync(pipe).isFIFO()).toBe(true);
      expect(fstatSync(socketFd).isSocket()).toBe(true);

      expect(readAll(file, 0)).toBe('file content\n');
      expect(readAll(pipe, null)).toBe('pipe content\n');
      received.splice(2, 1);
      const passed = UnixSocket.fromFd(socketFd, 'stream');
      try {
        expect((await passed.recv()).data.toString()).toBe('socket content\n');
      } finally {
        passed.close();
      }

      // the file status flags are the sender's (shared with it), left as it set them: the file it
      // opened blocking, the FIFO it opened with O_NONBLOCK (children/fd-sender.ts)
      for (const [fd, senderNonblock] of [
        [file, 0],
        [pipe, O_NONBLOCK],
      ] as const) {
        if (process.platform === 'linux') {
          expect(fdinfoFlags(fd) & O_CLOEXEC).toBe(O_CLOEXEC);
          expect(fdinfoFlags(fd) & O_NONBLOCK).toBe(senderNonblock);
        }
        expect(childSeesSameFile(fd)).toBe(false);
      }
      child.send('done');
      expect(await child.exited()).toBe(0);
      connection.close();
    } finally {
      for (const fd of received) closeSync(fd);
      server.close();
      await child.stop();
    }
  });

  it('10 descriptors into room for 2 (sendFds, recvFds) report controlTruncated and leak nothing in the receiver', async () => {
    const socketPath = path.join(temp.dir, 'ctrunc.sock');
    const child = startChild('__tests__/socket/children/fd-receiver.ts', [socketPath, '2']);
    const filePath = path.join(temp.dir, 'ten.txt');
    writeFileSync(filePath, 'x');
    const fds = Array.from({ length: 10 }, () => openSync(filePath, 'r'));
    const client = UnixSocket.create('stream');
    try {
      await child.next('ready');
      await client.connect(socketPath);
      // sendFds / recvFds (in the child) are the descriptor face of send / recv
      await client.sendFds(fds, Buffer.from('T'));
      const report = await child.next('report');
      expect(report).toMatchObject({ data: 'T', controlTruncated: true });
      expect(report.received).toEqual([expect.objectContaining({ isFile: true }), expect.objectContaining({ isFile: true })]);
      expect(report.during).toBe((report.before as number) + 2);
      expect(report.after).toBe(report.before);
      expect(await child.exited()).toBe(0);
    } finally {
      for (const fd of fds) closeSync(fd);
      client.close();
      await child.stop();
    }
  });

  it(`${MAX_FDS_PER_MESSAGE} descriptors pass in one message and ${MAX_FDS_PER_MESSAGE + 1} fail with EINVAL`, async () => {
    const filePath = path.join(temp.dir, 'many.txt');
    writeFileSync(filePath, 'many');
    const fd = openSync(filePath, 'r');
    const [left, right] = UnixSocket.pair('dgram');
    let received: number[] = [];
    try {
      await left.send(Buffer.from('M'), { fds: new Array<number>(MAX_FDS_PER_MESSAGE).fill(fd) });
      const message = await right.recv();
      received = message.fds;
      expect(message.controlTruncated).toBe(false);
      expect(new Set(received).size).toBe(MAX_FDS_PER_MESSAGE);
      for (const copy of received) expect(identity(copy)).toEqual(identity(fd));

      await expect(left.send(Buffer.from('M'), { fds: new Array<number>(MAX_FDS_PER_MESSAGE + 1).fill(fd) })).rejects.toMatchObject({
        code: 'EINVAL',
        errno: -22,
        syscall: 'sendmsg',
      });
    } finally {
      for (const copy of received) closeSync(copy);
      closeSync(fd);
      left.close();
      right.close();
    }
  });

  it('refuses descriptors without a data byte to carry them', async () => {
    const [left, right] = UnixSocket.pair('stream');
    try {
      await expect(left.send(Buffer.alloc(0), { fds: [0] })).rejects.toMatchObject({ code: 'EINVAL', syscall: 'sendmsg' });
    } finally {
      left.close();
      right.close();
    }
  });

  itLinux('a datagram with descriptors into no room at all drops them in the kernel (Linux: SCM_RIGHTS into a zero-size control buffer)', async () => {
    const [left, right] = UnixSocket.pair('dgram');
    try {
      await left.send(Buffer.from('Z'), { fds: [0, 1] });
      const message = await right.recv({ maxFds: 0 });
      expect(message).toMatchObject({ fds: [], controlTruncated: true });
    } finally {
      left.close();
      right.close();
    }
  });
});
