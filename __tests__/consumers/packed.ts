// The packed package installed into small consumer projects, as a user installs it: shared by the
// consumer test files (two of them, so that Jest runs them in parallel workers).
//
// Jest, ts-jest, Vitest and TypeScript are linked from this repository's node_modules instead of
// being downloaded again; uds-fixture itself comes from `npm pack`, installed with npm.
//
// The pack and that install are made once per Jest run, in the directory global-setup.cjs shares
// between the files (about 4 s each on 2 busy cores, and five projects installed the same
// tarball, with no dependencies of their own, to the same node_modules): every project gets a
// copy of that node_modules. The first file to get there does it; the other waits for it. The tests that are about installing (install scripts run, or
// blocked) still run npm install themselves, on the same tarball.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/child-script';

const SHARED = ['jest', 'ts-jest', 'typescript', '@types/jest', '@types/node', '@jest/globals', 'expect', 'vitest'];

export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000, env: { ...process.env, CI: 'true', ...env } });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd}:\n${e.stdout ?? ''}\n${e.stderr ?? ''}\n${e.message}`);
  }
}

export interface PackedPackage {
  /** a directory of this test file's own, removed after it */
  readonly work: string;
  readonly tarball: string;
  /** a copy of __tests__/consumers/<name> with the tarball and this platform's prebuilds installed (once per test file) */
  install(name: string): string;
}

interface Packed {
  tarball: string;
  /** node_modules of an empty project after `npm install --ignore-scripts <tarball>` and this platform's prebuilds */
  nodeModules: string;
}

/** The tarball and the installed node_modules, made in `dir` (which must not exist yet). */
function packAndInstall(dir: string): Packed {
  mkdirSync(dir);
  // --ignore-scripts: dist/ is already built by `npm test`; rebuilding it now would race the other
  // test files that run peers from it.
  const out = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], repoRoot).trim().split('\n');
  const tarball = path.join(dir, out[out.length - 1]!);
  const project = path.join(dir, 'installed');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--no-save', tarball], project);
  // The published tarball carries prebuilt native parts from the CI matrix; this one is packed
  // from the checkout, so this platform's are added as CI adds them (scripts/prebuild.mjs).
  run(process.execPath, [path.join(repoRoot, 'scripts', 'prebuild.mjs'), path.join(project, 'node_modules', 'uds-fixture')], repoRoot);
  return found(dir);
}

function found(dir: string): Packed {
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`no packed tarball in ${dir}`);
  return { tarball: path.join(dir, tarball), nodeModules: path.join(dir, 'installed', 'node_modules') };
}

/** How long a file waits for the other to pack and install: under the 200 s of its beforeAll, so this message is what a stuck run shows. */
const WAIT_MS = 190_000;

/**
 * Once per run when global-setup.cjs shared a directory, else once per test file (in `work`).
 * The file that takes the lock (an atomic mkdir) packs and installs, then renames the result into
 * place; the other waits for that rename, or for the failure the first writes down. Jest tends to
 * start both files together, and the same npm work twice at once on 2 cores only slows both.
 */
async function packedOnce(work: string): Promise<Packed> {
  const shared = process.env.UDS_FIXTURE_TEST_SHARED;
  if (!shared || !existsSync(shared)) return packAndInstall(path.join(work, 'packed'));
  const final = path.join(shared, 'packed');
  const failed = path.join(shared, 'packing-failed.txt');
  try {
    mkdirSync(path.join(shared, 'packing.lock'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    await madeByTheOtherFile(shared, final, failed);
    return found(final);
  }
  try {
    const mine = path.join(shared, 'packing');
    packAndInstall(mine);
    renameSync(mine, final);
  } catch (err) {
    writeFileSync(failed, (err as Error).message);
    throw err;
  }
  return found(final);
}

/** Resolves once `final` exists; rejects with the other file's error, or after WAIT_MS. */
function madeByTheOtherFile(shared: string, final: string, failed: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const watcher = watch(shared);
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      watcher.close();
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => settle(new Error(`${final}: the other consumer test file had not packed and installed the package after ${WAIT_MS} ms`)), WAIT_MS);
    const check = () => {
      if (existsSync(final)) settle();
      else if (existsSync(failed)) settle(new Error(`the other consumer test file failed to pack and install the package:\n${readFileSync(failed, 'utf8')}`));
    };
    watcher.on('change', check);
    watcher.on('error', settle);
    check(); // it may have finished before the watch began
  });
}

/** Packs the package before the test file's tests and removes this file's directory after them. */
export function usePackedPackage(): PackedPackage {
  let work = '';
  let packed: Packed | undefined;
  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'uds-fixture-consumers-'));
    packed = await packedOnce(work);
  }, 200_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });
  return {
    get work() {
      return work;
    },
    get tarball() {
      return packed?.tarball ?? '';
    },
    install(name: string): string {
      const dir = path.join(work, name);
      if (existsSync(dir)) return dir; // installed by an earlier test of this file
      if (!packed) throw new Error('the package was not packed: install() belongs in a test, after beforeAll');
      cpSync(path.join(__dirname, name), dir, { recursive: true });
      cpSync(packed.nodeModules, path.join(dir, 'node_modules'), { recursive: true, verbatimSymlinks: true });
      for (const pkg of SHARED) {
        const target = path.join(dir, 'node_modules', pkg);
        if (existsSync(target)) continue;
        mkdirSync(path.dirname(target), { recursive: true });
        symlinkSync(path.join(repoRoot, 'node_modules', pkg), target, 'dir');
      }
      return dir;
    },
  };
}

export interface TestReport {
  numPassedTests: number;
  numFailedTests: number;
}

/** Runs the consumer's Jest; a failing run throws with Jest's whole output. */
export function jestReport(dir: string, nodeArgs: string[] = [], jestArgs: string[] = [], env: NodeJS.ProcessEnv = {}): TestReport {
  const bin = path.join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
  return JSON.parse(run(process.execPath, [...nodeArgs, bin, '--rootDir', dir, '--ci', '--json', ...jestArgs], dir, env)) as TestReport;
}
