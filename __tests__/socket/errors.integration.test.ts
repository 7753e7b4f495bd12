// Failed syscalls become SocketErrors with Node's code/errno/syscall/path and message; overlong
// paths are refused before any syscall; bind never removes an existing file.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import path from 'node:path';

import { UnixSocket, SocketError, SUN_PATH_MAX, checkSocketPath } from '../../src/socket';
import { loadBinding } from '../../src/socket/binding';
import { findPackageRoot } from '../../src/package/package-root';
import { startChild } from './child-process';
import { makeTempDir } from './temp-dir';

const itLinux = process.platform === 'linux' ? it : it.skip;
const temp = makeTempDir();
afterAll(() => temp.remove());

function overlongPath(): string {
  const base = path.join(temp.dir, 'x');
  return base + 'y'.repeat(SUN_PATH_MAX + 1 - Buffer.byteLength(base));
}

describe('socket errors', () => {
  it('connect to a missing path is ENOENT, with Node-style fields and message', async () => {
    const target = path.join(temp.dir, 'missing.sock');
    const client = UnixSocket.create('stream');
    try {
      const error = await client.connect(target).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SocketError);
      expect(error).toMatchObject({ code: 'ENOENT', errno: -constants.errno.ENOENT, syscall: 'connect', path: target });
      expect((error as Error).message).toBe(`connect ENOENT ${target}`);
    } finally {
      client.close();
    }
  });

  it('connect to a stale socket file whose listener exited without unlinking is ECONNREFUSED', async () => {
    const target = path.join(temp.dir, 'stale.sock');
    const listener = startChild('__tests__/socket/children/idle-listener.ts', [target]);
    try {
      await listener.next('listening');
      expect(await listener.exited()).toBe(0);
    } finally {
      await listener.stop();
    }
    expect(existsSync(target)).toBe(true);
    const client = UnixSocket.create('stream');
    try {
      await expect(client.connect(target)).rejects.toMatchObject({
        code: 'ECONNREFUSED',
        errno: -constants.errno.ECONNREFUSED,
        syscall: 'connect',
        path: target,
        message: `connect ECONNREFUSED ${target}`,
      });
    } finally {
      client.close();
    }
  });

  it('bind to an existing path is EADDRINUSE and leaves the file alone', () => {
    const socketTarget = path.join(temp.dir, 'taken.sock');
    const first = UnixSocket.create('stream');
    const second = UnixSocket.create('stream');
    const fileTarget = path.join(temp.dir, 'plain-file');
    writeFileSync(fileTarget, 'keep me');
    try {
      first.bind(socketTarget);
      expect(() => second.bind(socketTarget)).toThrow(expect.objectContaining({ code: 'EADDRINUSE', syscall: 'bind', path: socketTarget }));
      expect(() => second.bind(fileTarget)).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
      expect(existsSync(fileTarget)).toBe(true);
    } finally {
      first.close();
      second.close();
    }
  });

  it('an overlong path is refused before any syscall, naming the path, its byte length and the limit', async () => {
    const long = overlongPath();
    const bytes = Buffer.byteLength(long);
    expect(bytes).toBe(SUN_PATH_MAX + 1);
    const expected = `ENAMETOOLONG ${long}: the path is ${bytes} bytes and sun_path holds at most ${SUN_PATH_MAX}`;
    expect(() => checkSocketPath(long)).toThrow(expected);
    const socket = UnixSocket.create('stream');
    try {
      expect(() => socket.bind(long)).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG', syscall: 'bind', path: long }));
      expect(existsSync(long)).toBe(false);
      await expect(socket.connect(long)).rejects.toThrow(`connect ${expected}`);
    } finally {
      socket.close();
    }
    // Multi-byte characters count as their UTF-8 bytes.
    const wide = path.join(temp.dir, 'é'.repeat(Math.ceil((SUN_PATH_MAX - temp.dir.length) / 2)));
    expect(wide.length).toBeLessThanOrEqual(SUN_PATH_MAX);
    expect(() => checkSocketPath(wide)).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }));
    expect(() => checkSocketPath(path.join(temp.dir, 'ok.sock'))).not.toThrow();
  });

  itLinux('an abstract name longer than 107 bytes is refused (Linux only: macOS has no abstract namespace)', () => {
    const socket = UnixSocket.create('dgram');
    try {
      expect(() => socket.bind({ abstract: 'a'.repeat(108) })).toThrow(expect.objectContaining({ code: 'ENAMETOOLONG' }));
      socket.bind({ abstract: `${'b'.repeat(100)}${process.pid}`.slice(0, 107) });
    } finally {
      socket.close();
    }
  });

  it('writing to a closed peer is EPIPE', async () => {
    const [left, right] = UnixSocket.pair('stream');
    right.close();
    try {
      await expect(left.send(Buffer.from('nobody'))).rejects.toMatchObject({ code: 'EPIPE', syscall: 'sendmsg' });
    } finally {
      left.close();
    }
  });

  it('no SIGPIPE is raised at all: a process listening for it sees none', async () => {
    const child = startChild('__tests__/socket/children/sigpipe-writer.ts');
    try {
      expect(await child.next('result')).toEqual({ code: 'EPIPE', sigpipes: 0 });
      expect(await child.exited()).toBe(0);
    } finally {
      await child.stop();
    }
  });

  it('operations on a closed socket are EBADF', async () => {
    const socket = UnixSocket.create('stream');
    socket.close();
    socket.close();
    expect(socket.fd).toBe(-1);
    expect(socket.closed).toBe(true);
    expect(() => socket.listen()).toThrow(expect.objectContaining({ code: 'EBADF', syscall: 'listen' }));
    await expect(socket.recv()).rejects.toMatchObject({ code: 'EBADF', syscall: 'recvmsg' });
  });

  it('a missing addon is ERR_UDS_ADDON_MISSING and says how to build it', () => {
    const root = path.join(temp.dir, 'pkg');
    mkdirSync(path.join(root, 'lib'), { recursive: true });
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'uds-fixture' }));
    expect(findPackageRoot(path.join(root, 'lib'))).toBe(root);
    expect(() => loadBinding(path.join(root, 'lib'))).toThrow(
      expect.objectContaining({ code: 'ERR_UDS_ADDON_MISSING', message: expect.stringContaining('npm install') }),
    );
  });
});
