// uds-fixture/jest: importing it registers the matchers and gives scenarioSuite().

// Brings module 'expect' into the program so that the augmentation below has something to extend.
import type {} from 'expect';
import { registerScenarioSuite, scenarioMatchers, type ScenarioMatchers, type ScenarioResult, type ScenarioSuiteOptions } from '../runtime';
import { jestApi } from './globals';

jestApi().expect.extend(scenarioMatchers);

export { scenarioMatchers, type ScenarioMatchers, type ScenarioSuiteOptions };

/** One Jest test per scenario file matching `patterns` (skipped, with the reason, on another platform). */
export function scenarioSuite(patterns: string | string[], options: ScenarioSuiteOptions = {}): void {
  const { describe, test, expect } = jestApi();
  registerScenarioSuite(
    {
      describe,
      test: (title, body, timeoutMs) => test(title, body, timeoutMs),
      skip: (title) => test.skip(title, () => undefined),
      assertPasses: (result: ScenarioResult) => (expect as unknown as (v: unknown) => { toPass(): void })(result).toPass(),
    },
    patterns,
    options,
  );
}

// Typed matchers, both for suites that use Jest's globals (@types/jest's `jest` namespace) and for
// suites that import `expect` from @jest/globals (whose type is built on module 'expect').
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // T is unused, but a merged declaration must repeat the original's type parameters
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
    interface Matchers<R, T = {}> extends ScenarioMatchers<R> {}
  }
}
declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
  interface Matchers<R extends void | Promise<void>, T = unknown> extends ScenarioMatchers<R> {}
}
