import { test } from 'node:test';
import { runScenario, defineScenario } from 'uds-fixture';
import { assertScenarioPasses } from 'uds-fixture/node-test';

test('the ESM face: an inline scenario passes', async () => {
  assertScenarioPasses(await runScenario(defineScenario({ name: 'esm inline', client: { steps: [{ exit: 0 }] } })));
});
