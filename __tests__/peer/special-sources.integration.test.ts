// What the scripted peer opens or reads at run time is bounded like what the loader reads: a
// `recvFds` content check reads at most the expected length of a writer that never stops, and a
// `sendFds: { dir }` naming a FIFO fails at once (ENOTDIR) instead of blocking the peer in open().
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineScenario, runScenario } from '../../src';

it('content "" of a socket written without end is a mismatch at once instead of a read that grows until the timeout', async () => {
  const result = await runScenario(
    defineScenario({
      name: 'endless writer',
      socket: 'stream',
      server: { module: './modules/endless-writer.ts' },
      client: { steps: ['connect', { recvFds: { count: 1, expect: [{ content: '' }], timeout: '20s' } }] },
      expect: { exit: { client: 1 } },
    }),
    { baseDir: __dirname },
  );
  expect(result.failures).toEqual([expect.objectContaining({ code: 'STEP_FAILED', peer: 'client', message: expect.stringContaining('received descriptor #1 reads') })]);
}, 60_000);

it('sendFds: { dir } naming a FIFO fails with ENOTDIR, without blocking in open()', async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'uds-fixture-fifo-dir-'));
  try {
    const fifo = path.join(work, 'not-a-dir');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const result = await runScenario(
      defineScenario({
        name: 'fifo as dir',
        timeout: '20s',
        socket: 'stream',
        server: { steps: ['listen', 'accept', { recv: { eof: true } }] },
        client: { steps: ['connect', { sendFds: { dir: fifo, expectError: 'ENOTDIR' } }, 'close'] },
      }),
      { baseDir: work },
    );
    expect(result.failures).toEqual([]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}, 60_000);
