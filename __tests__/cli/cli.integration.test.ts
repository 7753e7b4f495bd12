// The uds-fixture command as users run it: the built dist/cli.cjs in a real child process.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/child-script';

const cli = path.join(repoRoot, 'dist', 'cli.cjs');
let work: string;
let tmpBase: string;

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, UDS_FIXTURE_TMPDIR: tmpBase, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeEach(() => {
  work = mkdtempSync(path.join(tmpdir(), 'uds-fixture-cli-'));
  tmpBase = mkdtempSync('/tmp/udsf-cli-');
});
afterEach(() => {
  // every run removed its own directory: the temp base is empty again
  expect(readdirSync(tmpBase).filter((n) => !n.startsWith('.'))).toEqual([]);
  rmSync(work, { recursive: true, force: true });
  rmSync(tmpBase, { recursive: true, force: true });
});

test('run fixtures: every shipped scenario passes, with JUnit and JSON reports', () => {
  const out = path.join(work, 'reports');
  const r = run(['run', 'fixtures', '--reporter', 'pretty', '--reporter', 'junit', '--reporter', 'json', '--out', out, '--jobs', '2']);
  expect(r.stderr).toBe('');
  // Which scenario failed, and why, is in the pretty report: shown when the exit status is not 0.
  expect({ code: r.code, failed: r.code === 0 ? '' : r.stdout }).toEqual({ code: 0, failed: '' });
  expect(r.stdout).toMatch(/\d+ passed, 0 failed/);
  const junit = readFileSync(path.join(out, 'junit.xml'), 'utf8');
  const json = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8'));
  expect(json.counts.failed).toBe(0);
  expect(junit).toContain(`tests="${json.counts.total}" failures="0"`);
});

test('a failing scenario exits 1, prints the reason with its line, and writes its timeline', () => {
  const file = path.join(work, 'wrong.scenario.yaml');
  writeFileSync(
    file,
    ['name: wrong bytes', 'socket: stream', 'server:', '  steps: [listen, accept, { send: { text: "pang" } }, close]', 'client:', '  steps:', '    - connect', '    - recv: { text: "pong" }', ''].join('\n'),
  );
  const out = path.join(work, 'reports');
  const summary = path.join(work, 'summary.md');
  const r = run(['run', file, '--out', out], { GITHUB_STEP_SUMMARY: summary });
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('✗ fail wrong bytes');
  expect(r.stdout).toContain(`${file}:8:7`);
  expect(r.stdout).toMatch(/expected.*pong.*got.*pang/s);
  const html = readFileSync(path.join(out, 'timelines', 'wrong-bytes.html'), 'utf8');
  expect(html).toContain('RECV_MISMATCH');
  expect(readFileSync(path.join(out, 'timelines', 'wrong-bytes.mmd'), 'utf8')).toMatch(/^sequenceDiagram/);
  expect(readFileSync(summary, 'utf8')).toContain('```mermaid');
});

test('with only a JUnit report chosen, a failing run still tells the terminal why, and where the timeline is', () => {
  const file = path.join(work, 'wrong.scenario.yaml');
  writeFileSync(file, ['name: wrong bytes', 'socket: stream', 'server:', '  steps: [listen, accept, { send: { text: "pang" } }, close]', 'client:', '  steps: [connect, { recv: { text: "pong" } }]', ''].join('\n'));
  const out = path.join(work, 'reports');
  const r = run(['run', file, '--reporter', 'junit', '--out', out]);
  expect(r.code).toBe(1);
  expect(r.stdout).toContain('✗ wrong bytes');
  expect(r.stdout).toMatch(/STEP_FAILED client: .*expected "pong", got "pang"/);
  expect(r.stdout).toContain(`timeline: ${path.join(out, 'timelines', 'wrong-bytes.html')}  ${path.join(out, 'timelines', 'wrong-bytes.mmd')}`);
  expect(r.stdout).toContain(path.join(out, 'junit.xml'));
  // JUnit on stdout instead: the human part moves to stderr, stdout stays a clean document.
  const toStdout = run(['run', file, '--reporter', 'junit']);
  expect(toStdout.stdout).toMatch(/^<\?xml/);
  expect(toStdout.stderr).toContain('STEP_FAILED client:');
});

test('a scenario whose plan cannot work is reported invalid by validate and by run, and the others still run', () => {
  writeFileSync(path.join(work, 'echo.scenario.yaml'), readFileSync(path.join(repoRoot, 'fixtures', 'basics', 'stream-echo.scenario.yaml')));
  writeFileSync(
    path.join(work, 'outside.scenario.yaml'),
    ['name: escapes', 'socket: stream', 'server:', '  steps: [listen, accept, close]', 'client:', '  steps:', '    - connect: { to: "../elsewhere.sock" }', ''].join('\n'),
  );
  const v = run(['validate', work]);
  expect(v.code).toBe(2);
  expect(v.stdout).toContain('1 valid, 1 invalid');
  // the loader finds it, at its line and column, with the line and a caret
  expect(v.stderr).toContain(
    ['outside.scenario.yaml:7:22: `../elsewhere.sock` leads outside the run directory', '7 |     - connect: { to: "../elsewhere.sock" }', '  |                      ^'].join('\n'),
  );
  const out = path.join(work, 'reports');
  const r = run(['run', work, '--reporter', 'junit', '--reporter', 'pretty', '--out', out]);
  expect(r.code).toBe(2);
  expect(r.stdout).toContain('✓ pass stream echo');
  expect(r.stdout).toContain('1 passed, 0 failed, 1 invalid');
  expect(readFileSync(path.join(out, 'junit.xml'), 'utf8')).toContain('ERR_SCENARIO_INVALID');
});

test('a plan error (a socket path too long for sun_path) is shown at file:line:col with its line, by validate and run', () => {
  const file = path.join(work, 'long.scenario.yaml');
  writeFileSync(file, ['name: long path', 'socket: dgram', 'client:', '  steps:', `    - bind: { path: ${'p'.repeat(120)}.sock }`, '    - close', ''].join('\n'));
  for (const args of [['validate', file], ['run', file]]) {
    const r = run(args);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain(`${file}:5:21: ERR_SOCKET_PATH_TOO_LONG: socket path in client.steps[0].bind.path`);
    expect(r.stdout + r.stderr).toContain('5 |     - bind: { path: ppp');
  }
});

test('validate is one pass: key errors, an overlong socket path, a proxy cross-check and a warning together, in file order', () => {
  const file = path.join(work, 'all.scenario.yaml');
  const long = 'a'.repeat(120);
  writeFileSync(
    file,
    [
      'name: all at once',
      'timout: 5s',
      'proxy:',
      '  toServer: { chunk: 0, drop: true }',
      'server:',
      '  steps: [listen, accept, { recv: { until: \'\\n\', timeout: soon } }]',
      'client:',
      '  steps:',
      `    - connect: { to: "${long}.sock" }`,
      `    - bind: { path: "/${long}.sock" }`,
      '',
    ].join('\n'),
  );
  const r = run(['validate', file]);
  expect(r.code).toBe(2);
  const heads = r.stderr.split('\n').filter((l) => l.startsWith(`${file}:`)).map((l) => l.slice(file.length + 1).replace(/(ERR_\w+|warning|`\w+`).*/, '$1'));
  expect(heads).toEqual(['2:1: unknown key `timout`', '4:22: `chunk`', '4:31: `drop`', '6:44: warning', '6:59: `timeout`', '9:22: ERR_SOCKET_PATH_TOO_LONG', '10:21: ERR_SOCKET_PATH_TOO_LONG']);
});

test('validate prints every problem as file:line:col and exits 2', () => {
  const r = run(['validate', 'fixtures/invalid/unknown-step.yaml', 'fixtures/invalid/bad-duration.yaml']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/fixtures\/invalid\/unknown-step\.yaml:\d+:\d+: .*\n/);
  expect(r.stderr).toContain('did you mean');
  expect(r.stderr).toMatch(/fixtures\/invalid\/bad-duration\.yaml:\d+:\d+:/);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)/); // no stack trace
});

test("validate and run warn at file:line:col of a single-quoted '\\n' in `until`, and still take the scenario", () => {
  const file = path.join(work, 'lines.scenario.yaml');
  writeFileSync(file, "name: lines\nserver:\n  steps:\n    - listen\n    - accept\n    - recv: { until: '\\n' }\nclient:\n  steps: [connect, { send: { text: \"a\\\\n\" } }, close]\n");
  const warning = `${file}:6:22: warning: \`until\` holds \`\\n\` as two characters, a backslash and \`n\`, not a newline`;
  const validate = run(['validate', file]);
  expect(validate).toMatchObject({ code: 0, stdout: expect.stringContaining('(1 warning)') });
  expect(validate.stderr).toContain(warning);
  expect(validate.stderr).toContain('hint: for a newline write `until: "\\n"` (double quotes)');
  const ran = run(['run', file, '--reporter', 'json']);
  expect(ran.stderr).toContain(warning);
  // as written, the delimiter is a backslash and an `n`, which is what this client sends
  expect(JSON.parse(ran.stdout)).toMatchObject({ counts: { total: 1, passed: 1 } });
  expect(ran.code).toBe(0);
});

test('no command at all is a usage error: the help goes to stderr and the exit status is 2', () => {
  const r = run([]);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toContain('Usage: uds-fixture <command>');
});

test('usage errors exit 2 and say what to write', () => {
  expect(run(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'frobnicate'") });
  expect(run(['run', 'fixtures', '--shard', '3/2'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--shard must be i/n') });
  expect(run(['run', 'fixtures', '--reporter', 'xml'])).toMatchObject({ code: 2, stderr: expect.stringContaining("--reporter must be one of pretty, json, junit; got 'xml'") });
  expect(run(['run', 'does-not-exist'])).toMatchObject({ code: 2, stderr: expect.stringContaining("'does-not-exist' does not exist") });
  // --timelines writes files, and only --out says where: refused before anything runs, naming --out
  const timelines = run(['run', 'fixtures', '--timelines']);
  expect(timelines).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining('--timelines writes the timelines of passed scenarios into the --out directory, and no --out was given; add --out DIR') });
  // the usage pointer names the command that was run
  const validate = run(['validate', 'does-not-exist']);
  expect(validate).toMatchObject({ code: 2, stderr: expect.stringContaining("Run 'uds-fixture validate --help' for usage.") });
  expect(validate.stderr).not.toContain("'uds-fixture run --help'");
});

test('schema prints the JSON Schema; help has examples for every command', () => {
  const schema = JSON.parse(run(['schema']).stdout);
  expect(schema.properties.name.description).toBeTruthy();
  for (const cmd of ['run', 'validate', 'list', 'schema']) {
    const h = run([cmd, '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Examples:');
  }
});

test('the built command runs as a program, the way its bin link calls it, and says its version', () => {
  // npm links bin entries to dist/cli.cjs; the build recreates dist/, so the exec bit must be set
  // by the build itself, or `npx uds-fixture` fails with "Permission denied" after `npm test`.
  expect(statSync(cli).mode & 0o111).toBe(0o111);
  const r = spawnSync(cli, ['--version'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  const { version } = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  expect(r.error).toBeUndefined();
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(`uds-fixture ${version}\n`);
});

test('list honours --tag and --shard', () => {
  const all = run(['list', 'fixtures', '--tag', 'smoke']).stdout.trim().split('\n');
  const one = run(['list', 'fixtures', '--tag', 'smoke', '--shard', '1/2']).stdout.trim().split('\n');
  const two = run(['list', 'fixtures', '--tag', 'smoke', '--shard', '2/2']).stdout.trim().split('\n');
  expect(all.length).toBeGreaterThan(2);
  expect([...one, ...two].sort()).toEqual([...all].sort());
});

test('run --shard i/n runs exactly the scenarios `list --shard i/n` names: the parts are disjoint and cover the whole', () => {
  const dir = path.join(work, 'shards');
  mkdirSync(dir);
  const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo'];
  for (const name of names) writeFileSync(path.join(dir, `${name}.scenario.yaml`), `name: ${name}\nclient: { run: ["true"] }\n`);
  const ran: string[][] = [];
  for (const shard of ['1/2', '2/2']) {
    const out = path.join(work, `shard-${shard.replace('/', '-')}`);
    const r = run(['run', dir, '--shard', shard, '--reporter', 'json', '--out', out]);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')) as { results: { name: string; passed: boolean }[] };
    expect(report.results.every((x) => x.passed)).toBe(true);
    // list prints `<file>  <name>`
    const listed = run(['list', dir, '--shard', shard]).stdout.trim().split('\n').map((line) => line.split(/\s+/).pop()!);
    ran.push(report.results.map((x) => x.name).sort());
    expect(ran[ran.length - 1]).toEqual(listed.sort());
  }
  expect(ran[0]!.length).toBeGreaterThan(0);
  expect(ran[1]!.length).toBeGreaterThan(0);
  expect(ran[0]!.filter((n) => ran[1]!.includes(n))).toEqual([]);
  expect([...ran[0]!, ...ran[1]!].sort()).toEqual(names);
});

test('SIGINT during a run stops the peers, finishes teardown and exits 130', async () => {
  const file = path.join(work, 'hang.scenario.yaml');
  writeFileSync(
    file,
    ['name: hangs until interrupted', 'timeout: 60s', 'socket: stream', 'server:', '  steps: [listen, accept, { recv: { text: "never", timeout: 60s } }]', 'client:', '  steps: [connect, { waitFor: { peer: server, event: done, timeout: 60s } }]', ''].join('\n'),
  );
  const child = spawn(process.execPath, [cli, 'run', file], {
    cwd: repoRoot,
    env: { ...process.env, UDS_FIXTURE_TMPDIR: tmpBase, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  try {
    // wait (bounded) until the run directory holds the server's socket: the peers are up
    const deadline = Date.now() + 20_000;
    const socketUp = () => readdirSync(tmpBase).some((d) => existsSync(path.join(tmpBase, d, 's.sock')));
    while (!socketUp()) {
      if (Date.now() > deadline) throw new Error('the scenario never started');
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    // the report says how long the interrupted scenario ran, not a bogus "(0 ms)"
    const ran = /hangs until interrupted \((\d+) ms\)/.exec(stdout);
    expect(ran).not.toBeNull();
    expect(Number(ran![1])).toBeGreaterThan(0);
  } finally {
    child.kill('SIGKILL');
  }
}, 60_000);

// A reader that goes away (`uds-fixture schema | head -1`) is the reader's choice: no stack trace,
// the command's own exit status. The read end is closed before the command starts (python3 holds
// the pipe), so its first write meets EPIPE every time.
test.each([['schema'], ['list', 'fixtures']])('%s into a pipe whose reader is gone: no EPIPE trace, exit 0', (...args) => {
  const script = 'import os, subprocess, sys\nr, w = os.pipe()\nos.close(r)\np = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE)\nsys.stdout.write("%d\\n%s" % (p.returncode, p.stderr.decode()))';
  const r = spawnSync('python3', ['-c', script, process.execPath, cli, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  expect(r.stdout).toBe('0\n');
});
