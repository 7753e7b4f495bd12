import type { ScenarioInput } from './types';

/** Types an inline scenario; `runScenario()` validates it like a file (problems then name JSON paths). */
export function defineScenario(input: ScenarioInput): ScenarioInput {
  return input;
}
