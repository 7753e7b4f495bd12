// uds-fixture/node-test: scenario files as tests of Node's own runner (`node --test`), and the
// assertion that fails with every reason, as the Jest and Vitest matchers do.
import { describe, test } from 'node:test';
import { assertScenarioPasses, registerScenarioSuite, type ScenarioSuiteOptions } from '../runtime';

export { assertScenarioPasses, type ScenarioSuiteOptions };

/** One node:test test per scenario file matching `patterns` (skipped, with the reason, on another platform). */
export function scenarioSuite(patterns: string | string[], options: ScenarioSuiteOptions = {}): void {
  registerScenarioSuite(
    {
      describe: (title, body) => void describe(title, body),
      test: (title, body, timeoutMs) => void test(title, { timeout: timeoutMs }, body),
      skip: (title) => void test(title, { skip: true }),
      assertPasses: assertScenarioPasses,
    },
    patterns,
    options,
  );
}
