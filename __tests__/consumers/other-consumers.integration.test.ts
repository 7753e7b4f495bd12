// The packed package beyond Jest: a Vitest project, a node:test project, and a plain project that
// installs it as a user does (its install script builds from the shipped sources).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/child-script';
import { run, usePackedPackage, type TestReport } from './packed';

const packed = usePackedPackage();
const install = (name: string) => packed.install(name);

test('a Vitest project: scenarioSuite and the matchers on Vitest\'s expect, typed', () => {
  const dir = install('vitest');
  run(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], dir);
  run(process.execPath, [path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', dir, '--reporter=json', '--outputFile=report.json'], dir);
  const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as TestReport;
  expect(report).toMatchObject({ numFailedTests: 0, numPassedTests: 3 });
}, 200_000);

test('a node:test project: scenarioSuite and assertScenarioPasses, from CommonJS and ESM', () => {
  const dir = install('node-test');
  const out = run(process.execPath, ['--test', '--test-reporter=tap'], dir);
  expect(out).toMatch(/^# pass 4$/m);
  expect(out).toMatch(/^# fail 0$/m);
}, 200_000);

test('installed as a user installs it (its install script runs): the addon, the supervisor and the C fixtures are built from the shipped sources, and the CLI runs', () => {
  const dir = path.join(packed.work, 'plain-install');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'plain-install', version: '1.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-save', packed.tarball], dir);
  const pkg = path.join(dir, 'node_modules', 'uds-fixture');
  // Only a build makes these: the tarball ships neither object files nor fixtures/c/bin.
  expect(existsSync(path.join(pkg, 'build', 'Release', 'obj.target'))).toBe(true);
  expect(readdirSync(path.join(pkg, 'fixtures', 'c', 'bin'))).toEqual(expect.arrayContaining(['echo_stream_server', 'fd_client']));
  // the command through the bin link npm made, as `npx uds-fixture` calls it
  const version = (JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
  expect(run(path.join(dir, 'node_modules', '.bin', 'uds-fixture'), ['--version'], dir)).toBe(`uds-fixture ${version}\n`);
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
  const packedBytes = statSync(packed.tarball).size;
  process.stdout.write(`consumer install: packed ${(packedBytes / 1024).toFixed(0)} KiB, installed ${installed.split('\t')[0]} KiB\n`);
  expect(existsSync(path.join(pkg, 'dist', 'vendor'))).toBe(false);
  expect(readdirSync(path.join(pkg, 'dist')).filter((f) => f.endsWith('.map'))).toEqual([]);
}, 300_000);

test('with install scripts blocked: a clear error without a build, and none needed where prebuilt parts fit (as CI packs them)', () => {
  const dir = path.join(packed.work, 'scripts-blocked');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'scripts-blocked', version: '1.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--no-save', packed.tarball], dir);
  const pkg = path.join(dir, 'node_modules', 'uds-fixture');
  const scenario = path.join(pkg, 'fixtures', 'basics', 'stream-echo.scenario.yaml');
  let refused = '';
  try {
    run(process.execPath, [path.join(pkg, 'dist', 'cli.cjs'), 'run', scenario], dir);
  } catch (err) {
    refused = (err as Error).message;
  }
  expect(refused).toContain(`missing for ${process.platform}-${process.arch}`);
  expect(refused).toContain('npm rebuild uds-fixture');
  // What the CI matrix puts in the tarball: this platform's build as prebuilds/<platform>-<arch>.
  run(process.execPath, [path.join(repoRoot, 'scripts', 'prebuild.mjs'), pkg], repoRoot);
  expect(existsSync(path.join(pkg, 'build'))).toBe(false);
  expect(run(process.execPath, [path.join(pkg, 'dist', 'cli.cjs'), 'run', scenario], dir)).toMatch(/1 passed, 0 failed/);
  // and its install script, when allowed, compiles nothing
  expect(run(process.execPath, [path.join(pkg, 'scripts', 'install.mjs')], pkg)).toContain('using the prebuilt addon and supervisor');
  expect(existsSync(path.join(pkg, 'build'))).toBe(false);
}, 200_000);
