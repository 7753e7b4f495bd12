// After every kind of run the harness is back where it started: the same open descriptors, no
// process left from any peer's group, nothing in the temp base.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runScenario } from '../../src/pipeline/run-scenario';
import type { ScenarioInput } from '../../src/scenario/types';
import type { ScenarioResult } from '../../src/judge/result';
import { repoRoot } from '../helpers/child-script';
import { liveDescendants, liveInGroups, openDescriptors } from './process-table';

let base: string;
beforeAll(async () => {
  base = mkdtempSync('/tmp/udsf-left-');
  // Warm-up: the first run loads modules and lets libuv open what it keeps for the process's life
  // (its signal pipe, the child-process machinery); what is measured is every run after it.
  await runScenario(path.join(repoRoot, 'fixtures/basics/stream-echo.scenario.yaml'), { tmpBase: base });
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const family = path.join(__dirname, 'fixtures', 'family.cjs');

const cases: Array<[string, string | ScenarioInput, (r: ScenarioResult) => void]> = [
  ['a passing run', path.join(repoRoot, 'fixtures/basics/fd-passing.scenario.yaml'), (r) => expect(r.failures).toEqual([])],
  [
    'a failing verdict',
    {
      name: 'wrong bytes',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { send: { text: 'pang' } }, 'close'] },
      client: { steps: ['connect', { recv: { text: 'pong' } }, 'close'] },
    },
    (r) => expect(r.failures).toEqual([expect.objectContaining({ code: 'STEP_FAILED', peer: 'client', message: expect.stringMatching(/pong.*pang/s) })]),
  ],
  [
    'a crashed peer',
    {
      name: 'crash',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { recv: { eof: true } }, 'close'] },
      client: { steps: ['connect', { crash: 'SIGSEGV' }] },
    },
    (r) => expect(r.failures).toEqual([expect.objectContaining({ code: 'PEER_CRASHED', peer: 'client', cause: 'SIGSEGV' })]),
  ],
  [
    'a hung peer with children that ignore SIGTERM',
    {
      name: 'hung',
      timeout: '1s',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { recv: { text: 'never', timeout: '1m' } }] },
      client: { run: [process.execPath, family, '${dir}/family.json'] },
    },
    (r) => expect(r.failures.map((f) => f.code)).toContain('TIMEOUT'),
  ],
];

describe('nothing left behind', () => {
  it.each(cases)('after %s: descriptors, process table and temp base are as before', async (_title, scenario, check) => {
    const fdsBefore = openDescriptors();
    const childrenBefore = liveDescendants(process.pid).map((r) => r.pid);
    const result = await runScenario(scenario, { tmpBase: base, baseDir: repoRoot });
    check(result);
    const groups = result.peers.flatMap((p) => (p.pid === undefined ? [] : [p.pid]));
    expect(groups.length).toBeGreaterThan(0);
    expect(liveInGroups(groups)).toEqual([]);
    expect(liveDescendants(process.pid).map((r) => r.pid)).toEqual(childrenBefore);
    expect(openDescriptors()).toEqual(fdsBefore);
    expect(readdirSync(base)).toEqual([]);
  }, 30_000);

  it('after a run aborted in flight (AbortSignal, what the CLI does on SIGINT): descriptors, process table and temp base are as before', async () => {
    const fdsBefore = openDescriptors();
    const childrenBefore = liveDescendants(process.pid).map((r) => r.pid);
    const controller = new AbortController();
    const scenario: ScenarioInput = {
      name: 'aborted',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { recv: { text: 'never', timeout: '1m' } }] },
      client: { steps: ['connect', { waitFor: { peer: 'server', event: 'recv', timeout: '1m' } }] },
    };
    // Abort once both peers are really running: the client's `connect` is in the timeline.
    const run = runScenario(scenario, {
      tmpBase: base,
      signal: controller.signal,
      onEvent: (ev) => {
        if (ev.peer === 'client' && ev.ev === 'connect') controller.abort(new Error('stopped by the test'));
      },
    });
    await expect(run).rejects.toMatchObject({ code: 'ERR_RUN_ABORTED' });
    expect(liveDescendants(process.pid).map((r) => r.pid)).toEqual(childrenBefore);
    expect(openDescriptors()).toEqual(fdsBefore);
    expect(readdirSync(base)).toEqual([]);
  }, 30_000);

  // Memory is the soak's to measure (node scripts/soak.mjs: 1 000 runs, heap and RSS sampled);
  // here the outcome: not one descriptor or directory more after many runs.
  it('40 runs in one process: the descriptor count ends where it began and the temp base is empty', async () => {
    const file = path.join(repoRoot, 'fixtures/basics/stream-echo.scenario.yaml');
    for (let i = 0; i < 5; i++) await runScenario(file, { tmpBase: base });
    const fdsBefore = openDescriptors();
    for (let i = 0; i < 40; i++) {
      const result = await runScenario(file, { tmpBase: base });
      if (!result.passed) throw new Error(`run ${i} failed: ${JSON.stringify(result.failures)}`);
    }
    expect(openDescriptors()).toEqual(fdsBefore);
    expect(readdirSync(base)).toEqual([]);
  }, 120_000);
});
