// The packed package, installed into three small consumer projects — plain CommonJS, ts-jest, and
// native ESM — each running its own Jest with scenarioSuite(), an inline runScenario() and the
// matchers. This is the proof that nothing ESM-only reaches Jest's CommonJS registry and that the
// exports map serves both module systems.
//
// Jest, ts-jest and TypeScript are linked from this repository's node_modules instead of being
// downloaded again; uds-fixture itself comes from `npm pack`, installed with npm as a user would.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, mkdirSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/child-script';

const SHARED = ['jest', 'ts-jest', 'typescript', '@types/jest', '@types/node', '@jest/globals', 'expect', 'vitest'];
let work: string;
let tarball: string;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000, env: { ...process.env, CI: 'true', ...env } });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}`);
  }
}

beforeAll(() => {
  work = mkdtempSync(path.join(tmpdir(), 'uds-fixture-consumers-'));
  // --ignore-scripts: dist/ is already built by `npm test`; rebuilding it now would race the other
  // test files that run peers from it.
  const out = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work], repoRoot).trim().split('\n');
  tarball = path.join(work, out[out.length - 1]!);
}, 200_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function install(name: string): string {
  const dir = path.join(work, name);
  if (existsSync(dir)) return dir; // installed by an earlier test of this file
  cpSync(path.join(__dirname, name), dir, { recursive: true });
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--no-save', tarball], dir);
  for (const pkg of SHARED) {
    const target = path.join(dir, 'node_modules', pkg);
    if (existsSync(target)) continue;
    mkdirSync(path.dirname(target), { recursive: true });
    symlinkSync(path.join(repoRoot, 'node_modules', pkg), target, 'dir');
  }
  return dir;
}

interface JestReport {
  numPassedTests: number;
  numFailedTests: number;
}

/** Runs the consumer's Jest; a failing run throws with Jest's whole output. */
function jestReport(dir: string, nodeArgs: string[] = [], jestArgs: string[] = [], env: NodeJS.ProcessEnv = {}): JestReport {
  const bin = path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
  return JSON.parse(run(process.execPath, [...nodeArgs, bin, '--rootDir', dir, '--ci', '--json', ...jestArgs], dir, env)) as JestReport;
}

test('a plain CommonJS project: two files in parallel workers, Jest --shard and UDS_FIXTURE_SHARD', () => {
  const dir = install('cjs');
  // echo.test.js: 2 scenario files + 1 inline test; second.test.js: the same 2 scenario files
  expect(jestReport(dir, [], ['--maxWorkers=2'])).toMatchObject({ numFailedTests: 0, numPassedTests: 5 });
  const one = jestReport(dir, [], ['--shard=1/2']);
  const two = jestReport(dir, [], ['--shard=2/2']);
  expect(one.numFailedTests + two.numFailedTests).toBe(0);
  expect(one.numPassedTests + two.numPassedTests).toBe(5);
  expect(Math.min(one.numPassedTests, two.numPassedTests)).toBeGreaterThan(0);
  // within a file: UDS_FIXTURE_SHARD splits the scenario files of each scenarioSuite()
  expect(jestReport(dir, [], [], { UDS_FIXTURE_SHARD: '1/2' })).toMatchObject({ numFailedTests: 0, numPassedTests: 3 });
}, 300_000);

test('a ts-jest project type-checks against the shipped declarations (skipLibCheck: false, matchers on the global and the @jest/globals expect) and passes', () => {
  const dir = install('ts-jest');
  // tsc over the whole project: every shipped declaration, none resolving a package the consumer lacks
  run(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'tsconfig.json'], dir);
  const report = jestReport(dir);
  expect(report).toMatchObject({ numFailedTests: 0, numPassedTests: 3 });
}, 200_000);

test('uds-fixture/jest outside Jest says what is wrong and what to import instead', () => {
  const dir = install('cjs');
  let message = '';
  try {
    run(process.execPath, ['-e', "require('uds-fixture/jest')"], dir);
  } catch (err) {
    message = (err as Error).message;
  }
  expect(message).toContain('ERR_JEST_MISSING');
  expect(message).toContain('works inside Jest only');
  expect(message).toContain('uds-fixture/vitest');
}, 200_000);

test('a native ESM project imports uds-fixture under --experimental-vm-modules', () => {
  const report = jestReport(install('esm'), ['--experimental-vm-modules']);
  expect(report).toMatchObject({ numFailedTests: 0, numPassedTests: 2 });
}, 200_000);

test('a Vitest project: scenarioSuite and the matchers on Vitest\'s expect, typed', () => {
  const dir = install('vitest');
  run(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir);
  run(process.execPath, [path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir, '--reporter=json', '--outputFile=report.json'], dir);
  const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as JestReport;
  expect(report).toMatchObject({ numFailedTests: 0, numPassedTests: 3 });
}, 200_000);

test('a node:test project: scenarioSuite and assertScenarioPasses, from CommonJS and ESM', () => {
  const dir = install('node-test');
  const out = run(process.execPath, ['--test', '--test-reporter=tap'], dir);
  expect(out).toMatch(/^# pass 4$/m);
  expect(out).toMatch(/^# fail 0$/m);
}, 200_000);

test('installed as a user installs it (its install script runs): the addon, the supervisor and the C fixtures are built from the shipped sources, and the CLI runs', () => {
  const dir = path.join(work, 'plain-install');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'plain-install', version: '1.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-save', tarball], dir);
  const pkg = path.join(dir, 'node_modules', 'uds-fixture');
  // Only a build makes these: the tarball ships neither object files nor fixtures/c/bin.
  expect(existsSync(path.join(pkg, 'build', 'Release', 'obj.target'))).toBe(true);
  expect(readdirSync(path.join(pkg, 'fixtures', 'c', 'bin'))).toEqual(expect.arrayContaining(['echo_stream_server', 'fd_client']));
  const out = run(process.execPath, [path.join(pkg, 'dist', 'cli.cjs'), 'run', path.join(pkg, 'fixtures', 'external', 'c-echo-server.scenario.yaml')], dir);
  expect(out).toMatch(/1 passed, 0 failed/);
  // esbuild is an optional peer, not installed here: a TypeScript module peer says what to install.
  expect(existsSync(path.join(dir, 'node_modules', 'esbuild'))).toBe(false);
  let failed = '';
  try {
    run(process.execPath, [path.join(pkg, 'dist', 'cli.cjs'), 'run', path.join(pkg, 'fixtures', 'basics', 'module-peer.scenario.yaml')], dir);
  } catch (err) {
    failed = (err as Error).message;
  }
  expect(failed).toContain('npm install --save-dev esbuild');
  // what a user installs: the packed package without source maps, the test-only vendor bundle or object files
  const installed = execFileSync('du', ['-sk', pkg], { encoding: 'utf8' });
  const packed = statSync(tarball).size;
  process.stdout.write(`consumer install: packed ${(packed / 1024).toFixed(0)} KiB, installed ${installed.split('\t')[0]} KiB\n`);
  expect(existsSync(path.join(pkg, 'dist', 'vendor'))).toBe(false);
  expect(readdirSync(path.join(pkg, 'dist')).filter((f) => f.endsWith('.map'))).toEqual([]);
}, 300_000);
