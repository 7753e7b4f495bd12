// One test per scenario file, for any test framework: the faces (uds-fixture/jest, /vitest,
// /node-test) hand over their describe/test functions and how they assert a passing result.
// Files are found and loaded synchronously because test frameworks collect tests synchronously;
// each test then runs its scenario for real. To split the scenarios of one suite across machines,
// set UDS_FIXTURE_SHARD=i/n (the same stable split as `uds-fixture run --shard`).

import path from 'node:path';
import { globSync } from 'tinyglobby';
import type { ScenarioResult } from '../judge/result';
import { skipReason } from '../plan/platform';
import { runScenario, type RunOptions } from '../pipeline/run-scenario';
import { loadScenarioSync, ScenarioError } from '../scenario';
import { SHARD_ENV, shardFromEnv, takeShard } from '../select/select';

export interface ScenarioSuiteOptions extends RunOptions {
  /** directory the patterns are relative to (default: process.cwd(), the framework's root by default) */
  cwd?: string;
  /** title of the describe block (default: the patterns) */
  title?: string;
}

/** What a face gives: its framework's way to group, register, skip, and fail a test. */
export interface SuiteFramework {
  describe(title: string, body: () => void): void;
  test(title: string, body: () => Promise<void>, timeoutMs: number): void;
  skip(title: string): void;
  /** fails the running test, with every reason, unless the scenario passed */
  assertPasses(result: ScenarioResult): void;
}

/** Extra time a test gets beyond the scenario's own timeout, for teardown. */
const TEARDOWN_MARGIN_MS = 10_000;
/** for the tests that only report (no match, an empty shard, an invalid file) */
const REPORT_TIMEOUT_MS = 5_000;

export function registerScenarioSuite(framework: SuiteFramework, patterns: string | string[], options: ScenarioSuiteOptions = {}): void {
  const list = Array.isArray(patterns) ? patterns : [patterns];
  const cwd = options.cwd ?? process.cwd();
  const shard = shardFromEnv();
  const shardText = process.env[SHARD_ENV];
  const all = globSync(list, { cwd, absolute: true, ignore: ['**/node_modules/**'] }).sort();
  const files = shard ? takeShard(all, shard) : all;
  framework.describe(options.title ?? list.join(', '), () => {
    if (all.length === 0) {
      framework.test(
        `no scenario file matches ${list.join(', ')} (in ${cwd})`,
        async () => {
          throw new Error(`scenarioSuite: no scenario file matches ${list.join(', ')} relative to ${cwd}`);
        },
        REPORT_TIMEOUT_MS,
      );
      return;
    }
    if (files.length === 0) {
      // More shards than files: this one has nothing to run, which is no failure. A passing test
      // says so (a suite with no test at all fails in some frameworks).
      framework.test(
        `shard ${shardText} holds none of the ${all.length} scenario files`,
        async () => {
          // Looked up again: files that appeared since registration would be this shard's to run.
          const now = takeShard(globSync(list, { cwd, absolute: true, ignore: ['**/node_modules/**'] }).sort(), shard!);
          if (now.length !== 0) throw new Error(`shard ${shardText} now holds ${now.join(', ')}; run the suite again to register them`);
        },
        REPORT_TIMEOUT_MS,
      );
      return;
    }
    for (const file of files) {
      const rel = path.relative(cwd, file);
      let scenario;
      try {
        scenario = loadScenarioSync(file);
      } catch (err) {
        const message = err instanceof ScenarioError ? err.format() : (err as Error).message;
        framework.test(
          `${rel} (invalid scenario file)`,
          async () => {
            throw new Error(message);
          },
          REPORT_TIMEOUT_MS,
        );
        continue;
      }
      const reason = skipReason(scenario);
      if (reason) {
        framework.skip(`${scenario.name} (skipped: ${reason})`);
        continue;
      }
      framework.test(
        scenario.name,
        async () => framework.assertPasses(await runScenario(scenario, options)),
        (options.timeout ?? scenario.timeoutMs) + TEARDOWN_MARGIN_MS,
      );
    }
  });
}
