// Options of `uds-fixture run` that select, bound and report scenarios: the built dist/cli.cjs in a
// real child process, over small stream-echo scenarios written into a fresh directory per test.
// Results are read from the JSON report (`--reporter json` without `--out` goes to stdout); stderr
// is never asserted, it may carry human-readable details.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/child-script';

const cli = path.join(repoRoot, 'dist', 'cli.cjs');
let work: string;
let tmpBase: string;

interface JsonReport {
  version: number;
  counts: { total: number; passed: number; failed: number; skipped: number; invalid: number };
  results: Array<{ name: string; file?: string; passed: boolean; durationMs: number; failures: Array<{ code: string; message: string; cause?: string }>; timeline: Array<{ peer: string; ev: string }> }>;
  invalid: Array<{ file: string; message: string }>;
}

function run(args: string[], cwd: string = repoRoot) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, UDS_FIXTURE_TMPDIR: tmpBase, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', CI: 'true' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `run ARGS --reporter json`: the exit status and the parsed report from stdout. */
function runJson(args: string[], cwd?: string): { code: number | null; report: JsonReport } {
  const r = run(['run', ...args, '--reporter', 'json'], cwd);
  try {
    return { code: r.code, report: JSON.parse(r.stdout) as JsonReport };
  } catch {
    throw new Error(`stdout is not a JSON document (exit ${r.code}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}

const names = (report: JsonReport) => report.results.map((r) => r.name).sort();

/** Writes a stream echo scenario (scripted server and client, ~0.3 s) at `rel` under the work dir. */
function echo(rel: string, name: string, opts: { tags?: string[]; reply?: string } = {}): string {
  const file = path.join(work, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    [
      `name: ${JSON.stringify(name)}`,
      ...(opts.tags ? [`tags: [${opts.tags.join(', ')}]`] : []),
      'socket: stream',
      'server:',
      `  steps: [listen, accept, { recv: { text: "ping" } }, { send: { text: ${JSON.stringify(opts.reply ?? 'pong')} } }, close]`,
      'client:',
      '  steps: [connect, { send: { text: "ping" } }, { recv: { text: "pong" } }, close]',
      '',
    ].join('\n'),
  );
  return file;
}

beforeEach(() => {
  work = mkdtempSync('/tmp/udsf-opts-');
  tmpBase = mkdtempSync('/tmp/udsf-opts-base-');
});
afterEach(() => {
  // every run removed its own run directory, timed-out ones included
  const left = readdirSync(tmpBase).filter((n) => !n.startsWith('.'));
  rmSync(work, { recursive: true, force: true });
  rmSync(tmpBase, { recursive: true, force: true });
  expect(left).toEqual([]);
});

test('a glob operand selects exactly the files it matches, at any depth', () => {
  const top = echo('top.scenario.yaml', 'glob top');
  const deep = echo('deep/er/nested.scenario.yaml', 'glob nested');
  echo('deep/other.scenario.yml', 'glob yml, not matched'); // a directory operand would take it
  // spawnSync passes the pattern as one argument, as a shell does with a quoted '<dir>/**/...'
  const { code, report } = runJson([`${work}/**/*.scenario.yaml`]);
  expect(code).toBe(0);
  expect(names(report)).toEqual(['glob nested', 'glob top']);
  expect(report.results.map((r) => r.file).sort()).toEqual([deep, top].sort());
  expect(report.counts).toMatchObject({ total: 2, passed: 2, failed: 0 });
});

test('--grep RE runs only the scenarios whose name matches the regular expression', () => {
  echo('one.scenario.yaml', 'grep one');
  echo('two.scenario.yaml', 'grep two');
  echo('three.scenario.yaml', 'grep three');
  const { code, report } = runJson([work, '--grep', 't(wo|hree)$']);
  expect(code).toBe(0);
  expect(names(report)).toEqual(['grep three', 'grep two']);
});

test('--tag T runs only the scenarios carrying that tag; a tag nobody has is a usage error', () => {
  echo('smoke.scenario.yaml', 'tagged smoke', { tags: ['smoke'] });
  echo('both.scenario.yaml', 'tagged slow and smoke', { tags: ['slow', 'smoke'] });
  echo('slow.scenario.yaml', 'tagged slow', { tags: ['slow'] });
  echo('none.scenario.yaml', 'untagged');
  const { code, report } = runJson([work, '--tag', 'smoke']);
  expect(code).toBe(0);
  expect(names(report)).toEqual(['tagged slow and smoke', 'tagged smoke']);

  const none = run(['run', work, '--tag', 'no-such-tag']);
  expect(none.code).toBe(2);
  expect(none.stdout).toBe(''); // nothing ran, nothing reported
});

test('--timeout overrides the scenario timeout: a server waiting for a slow client fails with TIMEOUT, exit 1', () => {
  const file = path.join(work, 'slow.scenario.yaml');
  writeFileSync(
    file,
    [
      'name: server waits for a slow client',
      'timeout: 30s', // the file allows 30 s; --timeout cuts it to 300 ms
      'socket: stream',
      'server:',
      '  steps: [listen, accept, { recv: { text: "ping" } }, close]',
      'client:',
      '  steps: [connect, { sleep: 20s }, { send: { text: "ping" } }, close]',
      '',
    ].join('\n'),
  );
  const { code, report } = runJson([file, '--timeout', '300ms']);
  expect(code).toBe(1);
  expect(report.counts).toMatchObject({ total: 1, passed: 0, failed: 1 });
  const [result] = report.results;
  expect(result!.passed).toBe(false);
  const timeout = result!.failures.find((f) => f.code === 'TIMEOUT');
  expect(timeout).toBeDefined();
  expect(timeout!.message).toContain('timeout of 300 ms');
  // the run was cut short in the client's 20 s sleep: it never reached its send
  const client = result!.timeline.filter((e) => e.peer === 'client').map((e) => e.ev);
  expect(client).toContain('stopped');
  expect(client).not.toContain('send');
});

test('--reporter json without --out writes one JSON document with the results to stdout, and no file', () => {
  echo('pass.scenario.yaml', 'json passes');
  echo('fail.scenario.yaml', 'json fails', { reply: 'pang' });
  const before = readdirSync(work).sort();
  const r = run(['run', '.', '--reporter', 'json'], work);
  expect(r.code).toBe(1);
  const report = JSON.parse(r.stdout) as JsonReport; // the whole of stdout parses: no pretty text mixed in
  expect(report.version).toBe(1);
  expect(report.counts).toEqual({ total: 2, passed: 1, failed: 1, skipped: 0, invalid: 0 });
  const byName = new Map(report.results.map((res) => [res.name, res]));
  expect(byName.get('json passes')).toMatchObject({ passed: true, failures: [] });
  const failed = byName.get('json fails');
  expect(failed?.passed).toBe(false);
  expect(failed?.failures.map((f) => f.code)).toContain('STEP_FAILED');
  expect(report.invalid).toEqual([]);
  // no report file was written anywhere in the working directory
  expect(readdirSync(work).sort()).toEqual(before);
});

test('run on a directory holding an invalid scenario exits 2; the valid ones still run', () => {
  echo('good.scenario.yaml', 'valid neighbour');
  const broken = path.join(work, 'broken.scenario.yaml');
  writeFileSync(broken, ['name: broken', 'socket: stream', 'client:', '  steps: [connect, sned]', ''].join('\n'));

  expect(run(['run', work]).code).toBe(2);

  const { code, report } = runJson([work]);
  expect(code).toBe(2);
  expect(report.counts).toMatchObject({ total: 2, passed: 1, failed: 0, invalid: 1 });
  expect(names(report)).toEqual(['valid neighbour']);
  expect(report.invalid).toHaveLength(1);
  expect(report.invalid[0]!.file).toBe(broken);
  expect(report.invalid[0]!.message).toContain(`${broken}:4:`);
  expect(report.invalid[0]!.message).toContain('sned');
});

test('a directory holding no scenario file is a usage error (exit 2), never an empty pass', () => {
  const empty = path.join(work, 'empty');
  mkdirSync(empty);
  const r = run(['run', empty]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain(`'${empty}' holds no *.scenario.yaml, *.scenario.yml or *.scenario.json file`);
});
