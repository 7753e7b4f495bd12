// Loads every discovered file; a file that fails to load, or whose plan cannot work here (a
// socket path too long for sun_path under the temp base, a path leaving the run directory),
// becomes an `invalid` entry carrying the message, and the others go on.

import { PlanError } from '../plan';
import { validateScenario } from '../pipeline/validate';
import { formatProblems, loadScenario, ScenarioError } from '../scenario';
import type { Scenario } from '../scenario/types';
import type { InvalidScenario } from '../report';
import { formatPlanError } from './plan-problem';

export interface Loaded {
  scenarios: Scenario[];
  invalid: InvalidScenario[];
  /** what valid scenarios hold that is probably a mistake, formatted like problems (file:line:col, caret, hint) */
  warnings: string[];
}

export async function loadAll(files: string[]): Promise<Loaded> {
  const scenarios: Scenario[] = [];
  const invalid: InvalidScenario[] = [];
  const warnings: string[] = [];
  for (const file of files) {
    try {
      const scenario = await loadScenario(file);
      validateScenario(scenario);
      scenarios.push(scenario);
      if (scenario.warnings !== undefined) warnings.push(formatProblems(scenario.warnings));
    } catch (err) {
      const message = err instanceof ScenarioError ? err.format() : err instanceof PlanError ? formatPlanError(err, file) : `${file}: ${(err as Error).message}`;
      invalid.push({ file, message });
      if (err instanceof ScenarioError && err.warnings !== undefined) warnings.push(formatProblems(err.warnings));
    }
  }
  return { scenarios, invalid, warnings };
}
