import { scenarioMatchers } from '../../src/testing/matchers';
import { failedEcho, passed } from '../report/fixtures';

const ctx = { isNot: false, utils: { printReceived: String, printExpected: String } };

test('toPass on a failed result lists every reason, its position, the timeline and stderr', () => {
  const r = scenarioMatchers.toPass.call(ctx, failedEcho());
  expect(r.pass).toBe(false);
  const msg = r.message();
  expect(msg).toContain('  STEP_FAILED client: recv expected "pong" (4 bytes), got "pang" at /work/fixtures/echo.scenario.yaml:17:9');
  expect(msg).toContain('  EXIT_MISMATCH client: client exited with code 1, expected 0');
  expect(msg).toMatch(/5\.000 ms\s+client\s+fail\s+code="RECV_MISMATCH"/);
  expect(msg).toContain('client stderr:');
});

test('toPass passes a passed result', () => {
  expect(scenarioMatchers.toPass.call(ctx, passed('ok')).pass).toBe(true);
});

test('matchers explain a value that is not a result (a forgotten await)', () => {
  const r = scenarioMatchers.toPass.call(ctx, Promise.resolve());
  expect(r.pass).toBe(false);
  expect(r.message()).toContain('Did you forget `await`?');
});

test('toFailWith, toHaveEvent and toHaveExited', () => {
  const r = failedEcho();
  expect(scenarioMatchers.toFailWith.call(ctx, r, 'STEP_FAILED', 'client').pass).toBe(true);
  expect(scenarioMatchers.toFailWith.call(ctx, r, 'LOSS').pass).toBe(false);
  expect(scenarioMatchers.toFailWith.call(ctx, r, 'LOSS').message()).toContain('its failures were:');
  expect(scenarioMatchers.toHaveEvent.call(ctx, r, 'client', 'send', { bytes: 4 }).pass).toBe(true);
  expect(scenarioMatchers.toHaveEvent.call(ctx, r, 'client', 'send', { bytes: 5 }).pass).toBe(false);
  expect(scenarioMatchers.toHaveExited.call(ctx, r, 'client', 1).pass).toBe(true);
  expect(scenarioMatchers.toHaveExited.call(ctx, r, 'nobody', 1).message()).toContain('its peers are server, client');
});
