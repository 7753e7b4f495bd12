// `validate` and `run` refuse, at file:line:col, scenarios that load but cannot work: a program
// that is not there or not executable, a connect with no server, a waitFor of an event that is
// never emitted, too many descriptors for one message. A real foreign program (python3) passes.
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
    timeout: 60_000,
    killSignal: 'SIGKILL',
    env: { ...process.env, UDS_FIXTURE_TMPDIR: tmpBase, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' },
  });
  return { code: r.status, out: r.stdout + r.stderr };
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'uds-fixture-workable-'));
  tmpBase = mkdtempSync('/tmp/udsf-workable-');
  const write = (name: string, lines: string[]) => writeFileSync(path.join(work, name), lines.join('\n') + '\n');
  write('missing.scenario.yaml', ['name: missing program', 'server:', '  run: [./no-such-server, "${socket}"]', 'client: { steps: [connect] }']);
  write('misspelled.scenario.yaml', ['name: misspelled program', 'client:', '  run: [pyhton3, -c, "pass"]']);
  writeFileSync(path.join(work, 'not-executable.py'), 'print("hi")\n', { mode: 0o644 });
  write('noexec.scenario.yaml', ['name: not executable', 'client: { run: [./not-executable.py] }']);
  write('noserver.scenario.yaml', ['name: nobody listens', 'client:', '  steps:', '    - connect']);
  write('waitfor.scenario.yaml', ['name: never emitted', 'server: { steps: [listen, accept, close] }', 'client:', '  steps:', '    - waitFor: { peer: server, event: acept }', '    - connect']);
  write('python.scenario.yaml', ['name: python runs', 'client:', '  run: [python3, -c, "print(42)"]', 'expect: { stdout: { client: "42" } }']);
});
afterAll(() => {
  expect(readdirSync(tmpBase)).toEqual([]);
  rmSync(work, { recursive: true, force: true });
  rmSync(tmpBase, { recursive: true, force: true });
});

const REFUSED = [
  'missing.scenario.yaml:3:9: ERR_PROGRAM_NOT_FOUND: server.run: no program `./no-such-server`',
  "misspelled.scenario.yaml:3:9: ERR_PROGRAM_NOT_FOUND: client.run: no program `pyhton3` in the peer's PATH",
  'noexec.scenario.yaml:2:17: ERR_PROGRAM_NOT_EXECUTABLE: client.run: `./not-executable.py`',
  "noserver.scenario.yaml:4:7: `connect` goes to the scenario's socket, but no `server:` is declared to listen on it",
  "waitfor.scenario.yaml:5:39: `server` never emits `acept`",
];

test('validate refuses each at file:line:col and accepts the python3 one', () => {
  const r = run(['validate', '.']);
  expect(r.code).toBe(2);
  for (const line of REFUSED) expect(r.out).toContain(line);
  expect(r.out).toContain('did you mean `accept`?');
  expect(r.out).toContain('1 valid, 5 invalid');
});

test('run refuses the same before starting anything, and runs the python3 one', () => {
  const r = run(['run', '.']);
  expect(r.code).toBe(2);
  for (const line of REFUSED) expect(r.out).toContain(line);
  expect(r.out).toContain('✓ pass python runs');
});
