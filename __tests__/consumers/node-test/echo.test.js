const assert = require('node:assert');
const { test } = require('node:test');
const { runScenario, defineScenario } = require('uds-fixture');
const { scenarioSuite, assertScenarioPasses } = require('uds-fixture/node-test');

scenarioSuite('*.scenario.yaml', { cwd: __dirname });

test('an inline scenario passes', async () => {
  assertScenarioPasses(await runScenario(defineScenario({ name: 'inline exit code', client: { steps: [{ exit: 3 }] }, expect: { exit: { client: 3 } } })));
});

test('a failing scenario fails the assertion with its reasons', async () => {
  const result = await runScenario(defineScenario({ name: 'inline wrong exit', client: { steps: [{ exit: 3 }] } }));
  assert.throws(() => assertScenarioPasses(result), { name: 'AssertionError', message: /EXIT_MISMATCH client: client exited with code 3, expected 0/ });
});
