// What a scenario, a peer or another user can reach: private run directories, argv without a
// shell, paths that stay where they belong, and an environment that carries only what is declared.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { planRun } from '../../src/plan/plan-run';
import { executePlan } from '../../src/run/execute';
import { runScenario } from '../../src/pipeline/run-scenario';
import { checkScenarioText, normalizeScenario } from '../../src/scenario';
import { INHERITED_ENV_NAMES } from '../../src/plan/env';
import { repoRoot } from '../helpers/child-script';

let work: string;
let base: string;
beforeEach(() => {
  work = mkdtempSync('/tmp/udsf-sec-');
  base = path.join(work, 'base');
  mkdirSync(base, { mode: 0o700 });
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const node = process.execPath;
const printArgs = 'process.stdout.write(JSON.stringify(process.argv.slice(1)))';
const printEnv = 'process.stdout.write(JSON.stringify(Object.keys(process.env).sort()))';
const isRoot = process.getuid?.() === 0;
const itAsOtherUser = isRoot ? it : it.skip;

describe('security', () => {
  itAsOtherUser('the run directory is 0700 and another user cannot reach the socket in it (needs root to act as another user)', async () => {
    const scenario = normalizeScenario(
      {
        name: 'private',
        socket: 'stream',
        server: { steps: ['listen', 'accept', { recv: { text: 'hi' } }, 'close'] },
        client: { steps: ['connect', { send: { text: 'hi' } }, 'close'] },
      },
      { baseDir: work },
    );
    const plan = await planRun(scenario, { tmpBase: base });
    if (plan.kind !== 'run') throw new Error('skipped');
    let other: { status: number | null; stdout: string } | undefined;
    let mode = 0;
    const record = await executePlan(plan, {
      onEvent: (e) => {
        if (e.peer !== 'server' || e.ev !== 'listen') return;
        mode = statSync(plan.dir).mode & 0o777;
        const probe = `require('net').connect(${JSON.stringify(plan.socket.path)}).on('connect', () => { console.log('CONNECTED'); process.exit(0) }).on('error', (e) => { console.log(e.code); process.exit(1) })`;
        other = spawnSync(node, ['-e', probe], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: '/' });
      },
    });
    expect(record.peers.map((p) => p.exitCode)).toEqual([0, 0]);
    expect(mode).toBe(0o700);
    expect(other).toMatchObject({ status: 1, stdout: 'EACCES\n' });
  });

  it('argv reaches the program as written: no shell expands, splits or globs it', async () => {
    const hostile = ['$(touch pwned)', '; touch pwned', '`touch pwned`', '*', '$HOME', 'a b', '"q"', '\\'];
    const result = await runScenario(
      { name: 'argv', client: { run: [node, '-e', printArgs, ...hostile], cwd: work } },
      { tmpBase: base, baseDir: work },
    );
    expect(result.failures).toEqual([]);
    expect(JSON.parse(result.peers[0]!.stdout)).toEqual(hostile);
    expect(existsSync(path.join(work, 'pwned'))).toBe(false);
  });

  it('a program without a #! line is not handed to /bin/sh: it fails to start with ENOEXEC', async () => {
    const script = path.join(work, 'no-shebang');
    writeFileSync(script, 'touch pwned\n');
    chmodSync(script, 0o755);
    const result = await runScenario({ name: 'noexec', client: { run: [script], cwd: work } }, { tmpBase: base, baseDir: work });
    expect(result.failures).toEqual([expect.objectContaining({ code: 'SPAWN_FAILED', cause: 'ENOEXEC' })]);
    expect(existsSync(path.join(work, 'pwned'))).toBe(false);
  });

  it('no source file starts a shell', () => {
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (/\.(ts|c|cc)$/.test(e.name) && /shell:\s*true|\bexecSync\(|import\s*\{[^}]*\bexec\b[^}]*\}\s*from\s*'(node:)?child_process'|\bsystem\(|\bpopen\(|execaCommand|"\/bin\/sh"/.test(readFileSync(full, 'utf8'))) offenders.push(full);
      }
    };
    walk(path.join(repoRoot, 'src'));
    walk(path.join(repoRoot, 'native'));
    expect(offenders).toEqual([]);
  });

  it('a peer sees the documented baseline, the declared env and UDS_FIXTURE_*, nothing else of the harness', async () => {
    process.env.UDS_FIXTURE_TEST_SECRET = 'do not leak';
    process.env.AWS_SECRET_ACCESS_KEY_TEST = 'do not leak';
    try {
      const result = await runScenario(
        { name: 'env', client: { run: [node, '-e', printEnv], env: { DECLARED: 'yes' } } },
        { tmpBase: base, baseDir: work, env: { FROM_OPTIONS: 'yes' } },
      );
      const names = JSON.parse(result.peers[0]!.stdout) as string[];
      const extra = names.filter((n) => !(INHERITED_ENV_NAMES as readonly string[]).includes(n) && !n.startsWith('LC_') && !['DECLARED', 'FROM_OPTIONS'].includes(n));
      expect(extra.sort()).toEqual(['UDS_FIXTURE_DIR', 'UDS_FIXTURE_EVENTS_FD', 'UDS_FIXTURE_PEER', 'UDS_FIXTURE_PROTOCOL', 'UDS_FIXTURE_SOCKET', 'UDS_FIXTURE_SOCKET_TYPE']);
      expect(names).toEqual(expect.arrayContaining(['DECLARED', 'FROM_OPTIONS', 'PATH']));
    } finally {
      delete process.env.UDS_FIXTURE_TEST_SECRET;
      delete process.env.AWS_SECRET_ACCESS_KEY_TEST;
    }
  });

  it('relative paths cannot leave the scenario directory, by `..` or by a symlink, unless the scenario allows it', () => {
    const dir = path.join(work, 'scenarios');
    mkdirSync(dir);
    writeFileSync(path.join(work, 'secret.txt'), 'secret');
    symlinkSync(path.join(work, 'secret.txt'), path.join(dir, 'link.txt'));
    writeFileSync(path.join(dir, 'mine.txt'), 'mine');
    const file = path.join(dir, 's.scenario.yaml');
    const text = (from: string, extra = '') => `name: paths\n${extra}files:\n  f: { from: ${from} }\nclient: { steps: [exit] }\n`;

    expect(checkScenarioText(text('mine.txt'), file).problems).toEqual([]);
    for (const from of ['../secret.txt', 'link.txt', 'sub/../../secret.txt']) {
      expect(checkScenarioText(text(from), file).problems).toEqual([
        expect.objectContaining({ line: 3, path: 'files.f.from', message: `\`${from}\` leads outside the scenario's directory (${dir})`, hint: expect.stringContaining('allowOutsidePaths: true') }),
      ]);
      expect(checkScenarioText(text(from, 'allowOutsidePaths: true\n'), file).problems).toEqual([]);
    }
    // an absolute path says where it goes by itself
    expect(checkScenarioText(text(path.join(work, 'secret.txt')), file).problems).toEqual([]);
    const moduleEscape = checkScenarioText('name: m\nserver: { module: ../peer.ts }\n', file).problems;
    expect(moduleEscape).toEqual([expect.objectContaining({ path: 'server.module', message: expect.stringContaining('leads outside') })]);
  });

  it('a relative socket path in a step cannot leave the run directory unless the scenario allows it', async () => {
    const input = (allow: boolean) => ({
      name: 'escape',
      ...(allow ? { allowOutsidePaths: true } : {}),
      client: { steps: [{ connect: { to: '../elsewhere.sock', expectError: 'ENOENT' } }] },
    });
    // found by the loader, before anything is planned
    await expect(runScenario(input(false), { tmpBase: base, baseDir: work })).rejects.toMatchObject({
      code: 'ERR_SCENARIO_INVALID',
      problems: [expect.objectContaining({ path: 'client.steps[0].connect.to', message: '`../elsewhere.sock` leads outside the run directory' })],
    });
    expect(readdirSync(base)).toEqual([]);
    const allowed = await runScenario(input(true), { tmpBase: base, baseDir: work });
    expect(allowed.failures).toEqual([]);
  });

  it('`files:` names cannot leave the run directory', async () => {
    await expect(
      runScenario({ name: 'f', files: { '../x': { content: 'x' } }, client: { steps: ['exit'] } }, { tmpBase: base, baseDir: work }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/ERR_SCENARIO_INVALID|ERR_FILE_NAME/) });
    expect(readdirSync(base)).toEqual([]);
    expect(existsSync(path.join(base, 'x'))).toBe(false);
  });
});
