// A suite that imports Jest's functions instead of using its globals: the matchers are typed on
// @jest/globals' `expect` too (the type check runs with skipLibCheck: false).
import { expect, test } from '@jest/globals';
import { runScenario, defineScenario } from 'uds-fixture';
import 'uds-fixture/jest';

test('matchers on the expect of @jest/globals', async () => {
  const result = await runScenario(defineScenario({ name: 'globals import', client: { steps: [{ exit: 0 }] } }));
  expect(result).toPass();
  expect(result).toHaveExited('client', 0);
});
