import { runScenario, defineScenario, type ScenarioResult } from 'uds-fixture';
import { scenarioSuite } from 'uds-fixture/jest';

scenarioSuite('*.scenario.yaml');

test('typed inline scenario with typed matchers', async () => {
  const result: ScenarioResult = await runScenario(
    defineScenario({
      name: 'inline exit code',
      client: { steps: [{ exit: 3 }] },
      expect: { exit: { client: 3 } },
    }),
  );
  expect(result).toPass();
  expect(result).toHaveExited('client', 3);
});
