// Descendants that leave the peer's process group (setsid, a double fork) are ended with the
// rest: on Linux each peer's supervisor is a child subreaper, finds them and ends them.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runScenario } from '../../src/pipeline/run-scenario';
import { repoRoot } from '../helpers/child-script';
import { until } from './process-table';

const escapees = path.join(__dirname, 'fixtures', 'escapees.py');
const distIndex = path.join(repoRoot, 'dist', 'index.cjs');

let work: string;
let base: string;
let pidFile: string;
const recorded: number[] = [];
beforeEach(() => {
  work = mkdtempSync('/tmp/udsf-esc-');
  base = path.join(work, 'base');
  mkdirSync(base, { mode: 0o700 });
  pidFile = path.join(work, 'escapees.pid');
});
afterEach(() => {
  // a failed test must not leave its escapees to the next one
  for (const pid of recorded.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone, as it should be */
    }
  }
  rmSync(work, { recursive: true, force: true });
});

const gone = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
};

function escapeePids(): number[] {
  const pids = readFileSync(pidFile, 'utf8').split(' ').map(Number);
  recorded.push(...pids);
  expect(pids).toHaveLength(2);
  return pids;
}

const client = (mode: 'exit' | 'stay') => ({ run: ['python3', escapees, pidFile, mode], cwd: work });

// macOS has no child subreaper: an escapee reparents to launchd at once, out of reach (README, Guarantees and limits).
const linuxOnly = process.platform === 'linux' ? describe : describe.skip;

linuxOnly('descendants that leave the process group', () => {
  it('are gone when runScenario returns, after the program exited by itself', async () => {
    const result = await runScenario({ name: 'leaves and exits', client: client('exit') }, { tmpBase: base, baseDir: work });
    expect(result.failures).toEqual([]);
    const pids = escapeePids();
    expect(pids.filter((pid) => !gone(pid))).toEqual([]);
  }, 30_000);

  it('are gone when runScenario returns, after the run was aborted and torn down', async () => {
    // Aborted once the escapees exist, rather than at a timeout a slow start could beat.
    const controller = new AbortController();
    const run = runScenario({ name: 'leaves and stays', timeout: '5m', client: client('stay') }, { tmpBase: base, baseDir: work, signal: controller.signal });
    const ended = run.then(
      () => undefined,
      (err: NodeJS.ErrnoException) => err,
    );
    let finished = false;
    void ended.then(() => (finished = true));
    await until(() => existsSync(pidFile) || finished, 20_000, 'the escapees never reported');
    controller.abort();
    expect(await ended).toMatchObject({ code: 'ERR_RUN_ABORTED' });
    const pids = escapeePids();
    expect(pids.filter((pid) => !gone(pid))).toEqual([]);
  }, 30_000);

  it('are gone soon after the harness is killed with SIGKILL', async () => {
    const script =
      `require(${JSON.stringify(distIndex)}).runScenario(` +
      `{ name: 'leaves and stays', timeout: '5m', client: ${JSON.stringify(client('stay'))} }, { tmpBase: ${JSON.stringify(base)}, baseDir: ${JSON.stringify(work)} })`;
    const harness = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    const ended = new Promise((resolve) => harness.once('exit', resolve));
    try {
      await until(() => existsSync(pidFile), 20_000, 'the escapees never reported');
    } finally {
      harness.kill('SIGKILL');
      await ended;
    }
    const pids = escapeePids();
    // A non-child's end announces itself to no one here: checked often, bounded.
    await until(() => pids.every(gone), 5_000, `escapees ${pids.join(', ')} outlived the harness`);
  }, 30_000);
});
