import { runScenario, defineScenario } from 'uds-fixture';
import { scenarioSuite } from 'uds-fixture/jest';

scenarioSuite('*.scenario.yaml');

test('ESM import of the API and matchers', async () => {
  const result = await runScenario(
    defineScenario({
      name: 'inline crash is judged',
      client: { steps: [{ crash: 'SIGKILL' }] },
    }),
  );
  expect(result).toFailWith('PEER_CRASHED', 'client');
});
