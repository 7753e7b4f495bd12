// uds-fixture/jest: importing it registers the matchers and gives scenarioSuite().

import { jestApi } from './globals';
import { scenarioMatchers, type ScenarioMatchers } from './matchers';

jestApi().expect.extend(scenarioMatchers);

export { scenarioSuite, type ScenarioSuiteOptions } from './scenario-suite';
export { scenarioMatchers, type ScenarioMatchers } from './matchers';

// Typed matchers for suites that use Jest's globals (@types/jest). Suites that import `expect`
// from @jest/globals add `interface Matchers<R> extends ScenarioMatchers<R> {}` to module 'expect'.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Matchers<R, T = {}> extends ScenarioMatchers<R> {}
  }
}
