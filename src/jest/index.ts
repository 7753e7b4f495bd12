// uds-fixture/jest: importing it registers the matchers and gives scenarioSuite().

import { jestApi } from './globals';
import { scenarioMatchers, type ScenarioMatchers } from './matchers';

jestApi().expect.extend(scenarioMatchers);

export { scenarioSuite, type ScenarioSuiteOptions } from './scenario-suite';
export { scenarioMatchers, type ScenarioMatchers } from './matchers';

declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<R extends void | Promise<void>, T = unknown> extends ScenarioMatchers<R> {}
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Matchers<R, T = {}> extends ScenarioMatchers<R> {}
  }
}
