// sendFds / recvFds between two real peers: the descriptor a server receives is checked against
// the file the client opened (device + inode), its content, kind and mode, and then closed.
import fs from 'node:fs';
import path from 'node:path';
import type { PeerWorld } from './helpers';
import { inWorld, SUCCEEDED } from './helpers';

function declareFiles(world: PeerWorld): Record<string, string> {
  const files = { log: path.join(world.dir, 'log.txt'), other: path.join(world.dir, 'other.txt') };
  fs.writeFileSync(files.log, 'line one\n', { mode: 0o640 });
  fs.chmodSync(files.log, 0o640);
  fs.writeFileSync(files.other, 'other\n');
  return files;
}

const clientSteps = (send: Record<string, unknown>) => [
  { step: 'waitFor' as const, peer: 'server', event: 'listen', count: 1 },
  { step: 'connect' as const },
  { step: 'sendFds' as const, files: [], data: 'F', ...send },
  { step: 'waitFor' as const, peer: 'server', event: 'recvFds', count: 1 },
];

describe('descriptor passing between scripted peers', () => {
  it('passes a file, a pipe, a socket and a directory, checked and closed by the receiver (no fd leak)', async () => {
    await inWorld(async (world) => {
      const files = declareFiles(world);
      const [server, client] = world.startRelayed([
        {
          id: 'server',
          files,
          fdAccounting: true,
          steps: [
            { step: 'listen', backlog: 8 },
            { step: 'accept' },
            {
              step: 'recvFds',
              count: 4,
              data: 'X',
              expect: [
                { sameFileAs: 'log', content: 'line one\n', type: 'file', mode: 0o640 },
                { type: 'pipe', content: 'through a pipe' },
                { type: 'socket', content: 'through a socket' },
                { type: 'dir' },
              ],
            },
            { step: 'close', unlink: true },
          ],
        },
        { id: 'client', files, fdAccounting: true, steps: clientSteps({ files: ['log'], pipe: { content: 'through a pipe' }, socket: { content: 'through a socket' }, dir: '.', data: 'X' }) },
      ]);
      expect(await server!.outcome()).toEqual(SUCCEEDED);
      expect(await client!.outcome()).toEqual(SUCCEEDED);

      const sent = client!.named('sendFds')[0]!;
      const received = server!.named('recvFds')[0]!;
      expect(sent).toMatchObject({ count: 4, data: 'X' });
      expect((sent.fds as { kind: string }[]).map((f) => f.kind)).toEqual(['file', 'pipe', 'socket', 'dir']);
      expect(received).toMatchObject({ count: 4, truncated: false, data: 'X' });
      // The judge pairs them by device and inode: the receiver holds the very objects sent.
      const identity = (fds: unknown) => (fds as { dev: string; ino: string; type: string }[]).map(({ dev, ino, type }) => ({ dev, ino, type }));
      expect(identity(received.fds)).toEqual(identity(sent.fds));

      for (const peer of [server!, client!]) {
        const fds = peer.named('fds')[0]!;
        expect(fds).toMatchObject({ leaked: [] });
        expect(fds.after).toBeLessThanOrEqual(fds.before as number);
      }
      expect(world.leftovers().sort()).toEqual(['log.txt', 'other.txt']);
    });
  });

  it('reports MSG_CTRUNC when the receiver has room for fewer descriptors than were sent', async () => {
    await inWorld(async (world) => {
      const files = declareFiles(world);
      const [server, client] = world.startRelayed([
        {
          id: 'server',
          files,
          fdAccounting: true,
          steps: [
            { step: 'listen', backlog: 8 },
            { step: 'accept' },
            // An even room: the control buffer is rounded up to a multiple of 8 bytes, so room
            // for one descriptor can hold two on 64-bit systems.
            { step: 'recvFds', count: 3, room: 2, truncated: true, expect: [{ sameFileAs: 'log' }, { sameFileAs: 'other' }] },
          ],
        },
        { id: 'client', files, steps: clientSteps({ files: ['log', 'other', 'log'] }) },
      ]);
      expect(await server!.outcome()).toEqual(SUCCEEDED);
      expect(await client!.outcome()).toEqual(SUCCEEDED);
      expect(server!.named('recvFds')[0]).toMatchObject({ count: 2, truncated: true });
      expect(server!.named('fds')[0]).toMatchObject({ leaked: [] });
    });
  });

  it('fails with TRUNCATION_MISMATCH when truncation was not declared', async () => {
    await inWorld(async (world) => {
      const files = declareFiles(world);
      const [server] = world.startRelayed([
        { id: 'server', files, steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, { step: 'recvFds', count: 3, room: 2, truncated: false, expect: [] }] },
        { id: 'client', files, steps: clientSteps({ files: ['log', 'other', 'log'] }).slice(0, 3) },
      ]);
      const outcome = await server!.outcome();
      expect(outcome.code).toBe(1);
      expect(outcome.fails).toEqual([expect.objectContaining({ code: 'TRUNCATION_MISMATCH', expected: false, got: true })]);
    });
  });

  it('fails with FD_MISMATCH when the descriptor is another file than declared', async () => {
    await inWorld(async (world) => {
      const files = declareFiles(world);
      const [server] = world.startRelayed([
        {
          id: 'server',
          files,
          steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, { step: 'recvFds', count: 1, expect: [{ sameFileAs: 'log' }] }],
        },
        { id: 'client', files, steps: clientSteps({ files: ['other'] }).slice(0, 3) },
      ]);
      const outcome = await server!.outcome();
      expect(outcome.code).toBe(1);
      expect(outcome.fails).toEqual([
        expect.objectContaining({ code: 'FD_MISMATCH', message: expect.stringContaining('received descriptor #1 is not the file "log"') }),
      ]);
    });
  });

  it('fails with FD_MISMATCH when the content differs', async () => {
    await inWorld(async (world) => {
      const files = declareFiles(world);
      const [server] = world.startRelayed([
        {
          id: 'server',
          files,
          steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, { step: 'recvFds', count: 1, expect: [{ type: 'pipe', content: 'expected' }] }],
        },
        { id: 'client', files, steps: clientSteps({ pipe: { content: 'actual' } }).slice(0, 3) },
      ]);
      const outcome = await server!.outcome();
      expect(outcome.fails).toEqual([expect.objectContaining({ code: 'FD_MISMATCH', expected: 'expected', got: '"actual"' })]);
    });
  });
});
