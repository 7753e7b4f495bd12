// The packed package installed into small consumer projects, as a user installs it: shared by the
// consumer test files (two of them, so that Jest runs them in parallel workers).
//
// Jest, ts-jest, Vitest and TypeScript are linked from this repository's node_modules instead of
// being downloaded again; uds-fixture itself comes from `npm pack`, installed with npm.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
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

/** Packs the package before the test file's tests and removes everything after them. */
export function usePackedPackage(): PackedPackage {
  let work = '';
  let tarball = '';
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
  return {
    get work() {
      return work;
    },
    get tarball() {
      return tarball;
    },
    install(name: string): string {
      const dir = path.join(work, name);
      if (existsSync(dir)) return dir; // installed by an earlier test of this file
      cpSync(path.join(__dirname, name), dir, { recursive: true });
      run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', '--no-save', tarball], dir);
      // The published tarball carries prebuilt native parts from the CI matrix; this one is packed
      // from the checkout, so this platform's are added as CI adds them (scripts/prebuild.mjs).
      run(process.execPath, [path.join(repoRoot, 'scripts', 'prebuild.mjs'), path.join(dir, 'node_modules', 'uds-fixture')], repoRoot);
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
