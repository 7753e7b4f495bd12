// uds-fixture/vitest: importing it registers the matchers on Vitest's expect and gives
// scenarioSuite(). Vitest is ESM-only and loads this face as an ES module (dist/vitest.mjs); its
// declarations are ESM too (.d.mts), so that they extend the 'vitest' module a consumer imports.
import { describe, expect, test } from 'vitest';
import { registerScenarioSuite, scenarioMatchers, type ScenarioMatchers, type ScenarioResult, type ScenarioSuiteOptions } from '../runtime.js';

expect.extend(scenarioMatchers);

export { scenarioMatchers, type ScenarioMatchers, type ScenarioSuiteOptions };

/** One Vitest test per scenario file matching `patterns` (skipped, with the reason, on another platform). */
export function scenarioSuite(patterns: string | string[], options: ScenarioSuiteOptions = {}): void {
  registerScenarioSuite(
    {
      describe: (title, body) => void describe(title, body),
      test: (title, body, timeoutMs) => void test(title, body, timeoutMs),
      skip: (title) => void test.skip(title, () => undefined),
      assertPasses: (result: ScenarioResult) => (expect(result) as unknown as { toPass(): void }).toPass(),
    },
    patterns,
    options,
  );
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Assertion<T = any> extends ScenarioMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends ScenarioMatchers {}
}
