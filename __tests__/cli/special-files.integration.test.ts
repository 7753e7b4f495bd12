// `uds-fixture validate` and `run` over a FIFO named like a scenario file: reported as not a
// regular file and never opened (opening it blocked in the kernel, deaf to SIGINT and SIGTERM).
// The CLI runs as a child under a kill timer, so a regression fails instead of hanging the suite.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/child-script';

const cli = path.join(repoRoot, 'dist', 'cli.cjs');
let work: string;
let tmpBase: string;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: work,
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
    env: { ...process.env, UDS_FIXTURE_TMPDIR: tmpBase, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'uds-fixture-cli-special-'));
  tmpBase = mkdtempSync('/tmp/udsf-special-');
  const made = spawnSync('mkfifo', [path.join(work, 'pipe.scenario.yaml')]);
  expect(made.status).toBe(0);
});
afterEach(() => {
  expect(readdirSync(tmpBase)).toEqual([]);
  rmSync(work, { recursive: true, force: true });
  rmSync(tmpBase, { recursive: true, force: true });
});

const NOT_REGULAR = 'pipe.scenario.yaml: the scenario file is a FIFO (named pipe), not a regular file; it was not read';

test('validate of a FIFO exits 2 and says it is not a regular file', () => {
  const r = run(['validate', 'pipe.scenario.yaml']);
  expect(r.signal).toBeNull();
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(NOT_REGULAR);
});

test('run over a directory holding a FIFO runs the others and reports the FIFO', () => {
  writeFileSync(path.join(work, 'ok.scenario.yaml'), 'name: fine\nclient: { steps: [exit] }\n');
  const r = run(['run', '.']);
  expect(r.signal).toBeNull();
  expect(r.code).toBe(2);
  expect(r.stdout + r.stderr).toContain('the scenario file is a FIFO (named pipe), not a regular file');
  expect(r.stdout).toContain('fine');
});
