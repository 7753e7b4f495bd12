// The assertion of frameworks without matchers (node:test): throws an AssertionError whose
// message is the one toPass() gives.

import { AssertionError } from 'node:assert';
import type { ScenarioResult } from '../judge/result';
import { failedScenarioText, isResult, notAResultText } from './result-text';

export function assertScenarioPasses(result: ScenarioResult): void {
  if (!isResult(result)) throw new TypeError(notAResultText('assertScenarioPasses', result));
  if (!result.passed) throw new AssertionError({ message: failedScenarioText(result), actual: false, expected: true, operator: 'assertScenarioPasses' });
}
