// `recvFds: { expect: [{ content }] }` on a pipe or socket whose writer never stops reads at most
// the expected length, then judges: a mismatch at once, never a read that grows until the timeout.
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
