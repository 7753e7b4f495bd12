const { runScenario, defineScenario } = require('uds-fixture');
const { scenarioSuite } = require('uds-fixture/jest');

scenarioSuite('*.scenario.yaml');

test('an inline scenario passes and the matchers are registered', async () => {
  const result = await runScenario(
    defineScenario({
      name: 'inline refused',
      client: { steps: [{ connect: { to: '/nonexistent/uds-fixture.sock', expectError: 'ENOENT' } }] },
    }),
  );
  expect(result).toPass();
  expect(result).toHaveEvent('client', 'error', { code: 'ENOENT' });
});
