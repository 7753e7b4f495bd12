// What the end-to-end test files share: whether the build they need is there, a private temp base
// per test that must be empty again after it (every run removes what it made), and a pass
// assertion that prints every reason and each peer's output when it fails.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ScenarioResult } from '../../src/judge/result';
import { runScenario } from '../../src/pipeline/run-scenario';
import type { ScenarioInput } from '../../src/scenario/types';
import { repoRoot } from '../helpers/child-script';

/** Scripted peers run from dist/peer.cjs over the native addon: `node scripts/build.mjs` and the addon build. */
export const built = existsSync(path.join(repoRoot, 'dist', 'peer.cjs')) && existsSync(path.join(repoRoot, 'build', 'Release', 'uds_fixture.node'));
export const describeBuilt = built ? describe : describe.skip;
/** Abstract addresses and SOCK_SEQPACKET exist only on Linux (README: platform differences). */
export const itLinux = process.platform === 'linux' ? it : it.skip;

/** Registers a fresh temp base per test (prefix `/tmp/udsf-<name>-`) and returns a runner over it. */
export function useRunBase(name: string, timeout: number): { run(input: ScenarioInput): Promise<ScenarioResult>; readonly base: string } {
  let base = '';
  beforeEach(() => {
    base = mkdtempSync(`/tmp/udsf-${name}-`);
  });
  afterEach(() => {
    const left = readdirSync(base);
    rmSync(base, { recursive: true, force: true });
    expect(left).toEqual([]);
  });
  return {
    run: (input) => runScenario(input, { tmpBase: base, timeout }),
    get base() {
      return base;
    },
  };
}

export function explain(result: ScenarioResult): string {
  return JSON.stringify({ failures: result.failures, peers: result.peers.map((p) => [p.id, p.exitCode, p.signal, p.stdout, p.stderr]) }, null, 2);
}

export function expectPass(result: ScenarioResult): void {
  expect(explain(result)).toBe(explain({ ...result, failures: [] }));
  expect(result.passed).toBe(true);
}
