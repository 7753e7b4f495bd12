// Peer credentials name the process at the other end.
import path from 'node:path';

import { UnixSocket } from '../../src/socket';
import { startChild } from './child-process';
import { makeTempDir } from './temp-dir';

const temp = makeTempDir();
afterAll(() => temp.remove());

it('peer credentials equal the other process’s pid, uid and gid, both ways', async () => {
  const socketPath = path.join(temp.dir, 'cred.sock');
  const server = UnixSocket.create('stream');
  server.bind(socketPath);
  server.listen();
  const child = startChild('__tests__/socket/children/credentials-client.ts', [socketPath]);
  try {
    const connection = await server.accept();
    const report = await child.next('credentials');
    expect(connection.peerCredentials()).toEqual(report.self);
    expect(report.self).toMatchObject({ pid: child.pid });
    expect(report.server).toEqual({ pid: process.pid, uid: process.getuid!(), gid: process.getgid!() });
    connection.close();
    expect(await child.exited()).toBe(0);
  } finally {
    server.close();
    await child.stop();
  }
});

it('a socketpair reports this process on both ends', () => {
  const [left, right] = UnixSocket.pair('stream');
  try {
    expect(left.peerCredentials()).toEqual({ pid: process.pid, uid: process.getuid!(), gid: process.getgid!() });
    expect(right.peerCredentials().pid).toBe(process.pid);
  } finally {
    left.close();
    right.close();
  }
});
