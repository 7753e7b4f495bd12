// One Jest test per scenario file. Files are found and loaded synchronously because Jest collects
// tests synchronously; each test then runs its scenario for real. Jest's own --shard splits test
// files; to split the scenarios of one scenarioSuite() across machines as well, set
// UDS_FIXTURE_SHARD=i/n (the same stable split as `uds-fixture run --shard`).

import path from 'node:path';
import { globSync } from 'tinyglobby';
import { runScenario, type RunOptions } from '../run/run-scenario';
import { loadScenarioSync, ScenarioError } from '../scenario';
import { skipReason } from '../plan/platform';
import { parseShard, takeShard } from '../cli/select';
import { jestApi } from './globals';

export interface ScenarioSuiteOptions extends RunOptions {
  /** directory the patterns are relative to (default: process.cwd(), Jest's rootDir by default) */
  cwd?: string;
  /** title of the describe block (default: the patterns) */
  title?: string;
}

/** Extra time Jest gives a test beyond the scenario's own timeout, for teardown. */
const TEARDOWN_MARGIN_MS = 10_000;

export function scenarioSuite(patterns: string | string[], options: ScenarioSuiteOptions = {}): void {
  const { describe, test, expect } = jestApi();
  const list = Array.isArray(patterns) ? patterns : [patterns];
  const cwd = options.cwd ?? process.cwd();
  const shard = process.env.UDS_FIXTURE_SHARD ? parseShard(process.env.UDS_FIXTURE_SHARD) : undefined;
  const all = globSync(list, { cwd, absolute: true, ignore: ['**/node_modules/**'] }).sort();
  const files = shard ? takeShard(all, shard) : all;
  describe(options.title ?? list.join(', '), () => {
    if (all.length === 0) {
      test(`no scenario file matches ${list.join(', ')} (in ${cwd})`, async () => {
        throw new Error(`scenarioSuite: no scenario file matches ${list.join(', ')} relative to ${cwd}`);
      });
      return;
    }
    if (files.length === 0) {
      // More shards than files: this one has nothing to run, which is no failure. A passing test
      // says so (a suite with no test at all fails in Jest).
      test(`shard ${process.env.UDS_FIXTURE_SHARD} holds none of the ${all.length} scenario files`, async () => {
        (expect as unknown as (v: unknown) => { toEqual(x: unknown): void })(files).toEqual([]);
      });
      return;
    }
    for (const file of files) {
      const rel = path.relative(cwd, file);
      let scenario;
      try {
        scenario = loadScenarioSync(file);
      } catch (err) {
        const message = err instanceof ScenarioError ? err.format() : (err as Error).message;
        test(`${rel} (invalid scenario file)`, async () => {
          throw new Error(message);
        });
        continue;
      }
      const reason = skipReason(scenario);
      if (reason) {
        test.skip(`${scenario.name} (skipped: ${reason})`, () => undefined);
        continue;
      }
      const budget = (options.timeout ?? scenario.timeoutMs) + TEARDOWN_MARGIN_MS;
      test(
        scenario.name,
        async () => {
          const result = await runScenario(scenario, options);
          (expect as unknown as (v: unknown) => { toPass(): void })(result).toPass();
        },
        budget,
      );
    }
  });
}
