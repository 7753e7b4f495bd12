// The harness dies or is interrupted while peers run: nothing it started may survive it, and
// nothing it made may stay on disk (or, after SIGKILL, stay past the next run's sweep).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newRunDirName } from '../../src/plan/run-base';
import { createRunDir } from '../../src/run/run-dir';
import { reapStaleRunDirs } from '../../src/run/reaper';
import { repoRoot } from '../helpers/child-script';
import { liveAmong, liveDescendants, until } from './process-table';

const distIndex = path.join(repoRoot, 'dist', 'index.cjs');
const cli = path.join(repoRoot, 'dist', 'cli.cjs');
const family = path.join(__dirname, 'fixtures', 'family.cjs');
const jestBin = path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
/** the bound: every peer gone within 2 s of the harness's death */
/** A bound on the wait, not a measure: a peer still alive after it outlived the harness. How fast they go is measured by scripts/abort-time.mjs. */
const GONE_WITHIN_MS = 15_000;

let work: string;
let base: string;
let marker: string;
const started: number[] = [];

beforeEach(() => {
  work = mkdtempSync('/tmp/udsf-death-');
  base = path.join(work, 'base');
  mkdirSync(base, { mode: 0o700 });
  marker = path.join(work, 'family.json');
});
afterEach(() => {
  // a failed test must not leave its processes to the next one
  for (const row of liveAmong(started.splice(0))) {
    try {
      process.kill(row.pid, 'SIGKILL');
    } catch {
      /* gone meanwhile */
    }
  }
  rmSync(work, { recursive: true, force: true });
});

const runDirs = (): string[] => readdirSync(base).filter((n) => n.startsWith('r-'));
const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

/** Waits until the peers are up, and returns every process the harness started (its descendants). */
async function peersOf(harness: ChildProcess): Promise<number[]> {
  const early = exited(harness);
  let ended = false;
  void early.then(() => (ended = true));
  await until(() => existsSync(marker) || ended, 30_000, 'the peers never came up');
  if (ended) throw new Error('the harness ended before its peers were up');
  const pids = liveDescendants(harness.pid!).map((r) => r.pid);
  started.push(...pids);
  // two supervisors, the scripted server, family.cjs and its child
  expect(pids.length).toBeGreaterThanOrEqual(5);
  return pids;
}

const hangingScenario = (file: string): void =>
  writeFileSync(
    file,
    [
      'name: never ends',
      'timeout: 5m',
      'socket: stream',
      'server:',
      '  steps: [listen, accept, { recv: { text: "never", timeout: 5m } }]',
      'client:',
      `  run: [${JSON.stringify(process.execPath)}, ${JSON.stringify(family)}, ${JSON.stringify(marker)}]`,
      '',
    ].join('\n'),
  );

describe('when the harness goes away', () => {
  it('SIGKILL to the harness: every peer and its children are gone; the next sweep removes the run directory and keeps a live one', async () => {
    const harness = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'harness.cjs'), distIndex, base, marker], { stdio: 'ignore' });
    started.push(harness.pid!);
    const pids = await peersOf(harness);
    const [runDir] = runDirs();
    expect(runDir).toBeDefined();

    const end = exited(harness);
    harness.kill('SIGKILL');
    await end;
    await until(() => liveAmong(pids).length === 0, GONE_WITHIN_MS, `peers ${pids.join(', ')} still alive`);
    expect(liveAmong(pids)).toEqual([]);

    // Killed harnesses clean nothing; the next run's sweep does, and spares a live owner's
    // directory and a look-alike without a marker.
    expect(runDirs()).toEqual([runDir]);
    const live = path.join(base, newRunDirName());
    await createRunDir(live);
    const lookAlike = path.join(base, 'r-data-demo');
    mkdirSync(lookAlike, { mode: 0o700 });
    writeFileSync(path.join(lookAlike, 'precious.txt'), 'keep me');
    expect(await reapStaleRunDirs(base)).toEqual([path.join(base, runDir!)]);
    expect(runDirs().sort()).toEqual([path.basename(live), 'r-data-demo'].sort());
  }, 60_000);

  // README: process.exit(), an uncaught error, or a signal the process does not handle (SIGHUP
  // here) while runs are in flight: every live run's groups get SIGKILL and its directory goes,
  // synchronously, before the process ends as it would have.
  it.each([
    ['process.exit(5)', 'exit', { code: 5, signal: null }],
    ['an uncaught error', 'throw', { code: 1, signal: null }],
    ['SIGHUP', 'sighup', { code: null, signal: 'SIGHUP' }],
  ] as const)('%s in a process using the API with a run in flight: its peers and run directory are gone, and it ends as it would have', async (_what, how, ending) => {
    const harness = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'harness.cjs'), distIndex, base, marker, how], { stdio: ['ignore', 'ignore', 'pipe'] });
    started.push(harness.pid!);
    let stderr = '';
    harness.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const pids = await peersOf(harness);
    expect(runDirs()).toHaveLength(1);
    const end = exited(harness);
    harness.kill(how === 'sighup' ? 'SIGHUP' : 'SIGUSR2');
    expect(await end).toEqual(ending);
    if (how === 'throw') expect(stderr).toContain('uncaught in the harness');
    // Removed before the process ended: no waiting for the directory.
    expect(runDirs()).toEqual([]);
    // SIGKILL was sent before the end; the kernel may still be finishing the kill.
    await until(() => liveAmong(pids).length === 0, GONE_WITHIN_MS, `peers ${pids.join(', ')} still alive`);
  }, 60_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s to `uds-fixture run`: teardown completes before it exits %i, and nothing remains', async (signal, status) => {
    const file = path.join(work, 'never.scenario.yaml');
    hangingScenario(file);
    const run = spawn(process.execPath, [cli, 'run', file], { env: { ...process.env, UDS_FIXTURE_TMPDIR: base, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    started.push(run.pid!);
    let stderr = '';
    run.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    run.stdout!.resume();
    const pids = await peersOf(run);
    const end = exited(run);
    run.kill(signal);
    expect(await end).toEqual({ code: status, signal: null });
    expect(stderr).toContain(`${signal} received, stopping peers and cleaning up`);
    // Teardown finished before the exit: no waiting here.
    expect(liveAmong(pids)).toEqual([]);
    expect(runDirs()).toEqual([]);
  }, 60_000);

  it('SIGINT to a Jest run (Ctrl-C: the whole process group): the run in progress is torn down before Jest ends', async () => {
    const project = path.join(work, 'project');
    mkdirSync(project);
    // No transform: the test file and the bundle run as they are.
    writeFileSync(path.join(project, 'jest.config.js'), "module.exports = { testEnvironment: 'node', transform: {}, watchman: false };\n");
    writeFileSync(
      path.join(project, 'never.test.js'),
      [
        `const { runScenario } = require(${JSON.stringify(distIndex)});`,
        "test('never ends', async () => {",
        `  await runScenario(${JSON.stringify(path.join(work, 'never.scenario.yaml'))}, { tmpBase: ${JSON.stringify(base)} });`,
        '}, 300000);',
        '',
      ].join('\n'),
    );
    hangingScenario(path.join(work, 'never.scenario.yaml'));
    const jest = spawn(process.execPath, [jestBin, '--rootDir', project, '--ci', '--runInBand'], { cwd: project, detached: true, stdio: 'ignore' });
    started.push(jest.pid!);
    const pids = await peersOf(jest);
    const end = exited(jest);
    process.kill(-jest.pid!, 'SIGINT');
    expect(await end).toEqual({ code: null, signal: 'SIGINT' });
    // The exit guard did it synchronously, before Jest died of the signal.
    expect(runDirs()).toEqual([]);
    expect(liveAmong(pids)).toEqual([]);
  }, 90_000);

  it('SIGTERM to the Jest process alone (a CI runner stopping it), with workers: the workers clean up and end too', async () => {
    const project = path.join(work, 'project');
    mkdirSync(project);
    writeFileSync(path.join(project, 'jest.config.js'), "module.exports = { testEnvironment: 'node', transform: {}, watchman: false };\n");
    // Two test files, so Jest really uses worker processes.
    for (const name of ['a', 'b']) {
      const scenario = path.join(work, `never-${name}.scenario.yaml`);
      hangingScenario(scenario);
      writeFileSync(
        path.join(project, `never-${name}.test.js`),
        [
          `const { runScenario } = require(${JSON.stringify(distIndex)});`,
          "test('never ends', async () => {",
          `  await runScenario(${JSON.stringify(scenario)}, { tmpBase: ${JSON.stringify(base)} });`,
          '}, 300000);',
          '',
        ].join('\n'),
      );
    }
    const jest = spawn(process.execPath, [jestBin, '--rootDir', project, '--ci', '--maxWorkers=2'], { cwd: project, stdio: 'ignore' });
    started.push(jest.pid!);
    await until(() => runDirs().length === 2 && liveDescendants(jest.pid!).length >= 8, 30_000, 'both workers never had their peers up');
    const everything = liveDescendants(jest.pid!).map((r) => r.pid);
    started.push(...everything);
    const end = exited(jest);
    process.kill(jest.pid!, 'SIGTERM');
    await end;
    await until(() => liveAmong(everything).length === 0, 10_000, `processes ${everything.join(', ')} outlived Jest`);
    expect(liveAmong(everything)).toEqual([]);
    expect(runDirs()).toEqual([]);
  }, 90_000);
});
