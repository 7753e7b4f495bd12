// Closing with operations pending, idle sockets that let a process end, worker threads (their
// own loop and cleanup), and adopting an inherited descriptor.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

import { UnixSocket } from '../../src/socket';
import { childScript } from '../helpers/child-script';
import { startChild } from './child-process';
import { makeTempDir } from './temp-dir';

const temp = makeTempDir();
afterAll(() => temp.remove());

function runWorker(leavePending: boolean): { worker: Worker; result: Promise<Record<string, unknown>> } {
  const worker = new Worker(childScript('__tests__/socket/children/socket-worker.ts'), { workerData: { dir: temp.dir, leavePending } });
  const result = new Promise<Record<string, unknown>>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited (${code}) before reporting`)));
  });
  return { worker, result };
}

describe('socket lifecycle', () => {
  it('close with a read pending rejects it with ECANCELED and does not crash', async () => {
    const [left, right] = UnixSocket.pair('stream');
    const pending = right.recv();
    right.close();
    await expect(pending).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'recvmsg', errno: expect.any(Number) });
    left.close();
  });

  it('close with accept and queued sends pending rejects them all', async () => {
    const server = UnixSocket.create('stream');
    server.bind(path.join(temp.dir, 'pending.sock'));
    server.listen();
    const accepting = server.accept();
    server.close();
    await expect(accepting).rejects.toMatchObject({ code: 'ECANCELED', syscall: 'accept' });

    const [writer, reader] = UnixSocket.pair('dgram');
    const sends = Array.from({ length: 2000 }, () => writer.send(Buffer.alloc(1024)).then(() => 'sent', (e: { code: string }) => e.code));
    writer.close();
    const outcomes = await Promise.all(sends);
    expect(outcomes).toContain('ECANCELED');
    expect(outcomes.indexOf('ECANCELED')).toBe(outcomes.lastIndexOf('sent') + 1);
    reader.close();
  });

  it('an idle listening socket does not keep its process alive', async () => {
    const socketPath = path.join(temp.dir, 'idle.sock');
    const child = startChild('__tests__/socket/children/idle-listener.ts', [socketPath]);
    try {
      expect(await child.next('listening')).toEqual({ listening: expect.any(Number) });
      expect(await child.exited(5_000)).toBe(0);
      expect(existsSync(socketPath)).toBe(true);
    } finally {
      await child.stop();
    }
  });

  it('works in a worker thread on the worker’s own loop', async () => {
    const { worker, result } = runWorker(false);
    try {
      expect(await result).toEqual({ overPair: 'over a pair', overPath: 'over a path', pending: false });
    } finally {
      await worker.terminate();
    }
  });

  it('a worker terminated with operations pending closes its sockets without crashing', async () => {
    const { worker, result } = runWorker(true);
    expect(await result).toMatchObject({ pending: true });
    expect(await worker.terminate()).toBe(1);
    // The process is still healthy: the addon serves this thread as before.
    const [left, right] = UnixSocket.pair('stream');
    await left.send(Buffer.from('still here'));
    expect((await right.recv()).data.toString()).toBe('still here');
    left.close();
    right.close();
  });

  it('fromFd adopts a socket descriptor and refuses the wrong type', async () => {
    const [left, right] = UnixSocket.pair('stream');
    const [carrier, courier] = UnixSocket.pair('dgram');
    let adopted: UnixSocket | undefined;
    try {
      // A descriptor of its own for `right`'s socket, as a child would inherit it.
      await carrier.send(Buffer.from('R'), { fds: [right.fd] });
      const [inherited] = (await courier.recv()).fds as [number];
      right.close();
      expect(() => UnixSocket.fromFd(inherited, 'dgram')).toThrow(expect.objectContaining({ code: 'EPROTOTYPE' }));
      expect(() => UnixSocket.fromFd(0x7fff_fff0, 'stream')).toThrow(expect.objectContaining({ code: 'EBADF' }));
      adopted = UnixSocket.fromFd(inherited, 'stream');
      expect(adopted.fd).toBe(inherited);
      await left.send(Buffer.from('adopted'));
      expect((await adopted.recv()).data.toString()).toBe('adopted');
    } finally {
      for (const socket of [left, right, carrier, courier]) socket.close();
      adopted?.close();
    }
  });

  it('is AsyncDisposable', async () => {
    const socket = UnixSocket.create('stream');
    await socket[Symbol.asyncDispose]();
    expect(socket.closed).toBe(true);
  });
});
