import { expect, test } from 'vitest';
import { runScenario, defineScenario } from 'uds-fixture';
import { scenarioSuite } from 'uds-fixture/vitest';

scenarioSuite('*.scenario.yaml');

test('typed matchers on Vitest expect', async () => {
  const result = await runScenario(defineScenario({ name: 'inline exit code', client: { steps: [{ exit: 3 }] }, expect: { exit: { client: 3 } } }));
  expect(result).toPass();
  expect(result).toHaveExited('client', 3);
});

test('a failing scenario fails toPass with its reasons', async () => {
  const result = await runScenario(defineScenario({ name: 'inline wrong exit', client: { steps: [{ exit: 3 }] } }));
  expect(() => expect(result).toPass()).toThrow(/EXIT_MISMATCH/);
  expect(result).toFailWith('EXIT_MISMATCH', 'client');
});
