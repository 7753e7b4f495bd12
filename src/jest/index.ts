// uds-fixture/jest: importing it registers the matchers and gives scenarioSuite().

// Brings module 'expect' into the program so that the augmentation below has something to extend.
import type {} from 'expect';
import { jestApi } from './globals';
import { scenarioMatchers, type ScenarioMatchers } from './matchers';

jestApi().expect.extend(scenarioMatchers);

export { scenarioSuite, type ScenarioSuiteOptions } from './scenario-suite';
export { scenarioMatchers, type ScenarioMatchers } from './matchers';

// Typed matchers, both for suites that use Jest's globals (@types/jest's `jest` namespace) and for
// suites that import `expect` from @jest/globals (whose type is built on module 'expect').
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Matchers<R, T = {}> extends ScenarioMatchers<R> {}
  }
}
declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<R extends void | Promise<void>, T = unknown> extends ScenarioMatchers<R> {}
}
