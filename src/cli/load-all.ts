// Loads every discovered file; a file that fails to load, or whose plan cannot work here (a
// socket path too long for sun_path under the temp base, a path leaving the run directory),
// becomes an `invalid` entry carrying the message, and the others go on. A file's loader
// problems, its overlong socket paths and its warnings are listed together, in file order: one
// round of `validate` shows everything.

import { PlanError } from '../plan';
import { addressProblems } from '../plan/address-check';
import { validateScenario } from '../pipeline/validate';
import { formatProblems, type Problem } from '../scenario';
import { sortProblems } from '../scenario/errors';
import { checkScenarioFile } from '../scenario/load';
import type { Scenario } from '../scenario/types';
import type { InvalidScenario } from '../report';
import { formatPlanError, planProblem } from './plan-problem';

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
      const checked = await checkScenarioFile(file);
      const addresses = addressProblems(checked.addresses ?? []).map((err) => planProblem(err, file));
      const { scenario } = checked;
      if (scenario === undefined || addresses.length > 0) {
        // Warnings go beside the problems, so the list reads in file order.
        const all: Problem[] = [...checked.problems, ...addresses, ...(checked.warnings ?? scenario?.warnings ?? [])];
        invalid.push({ file, message: formatProblems(sortProblems(all)) });
        continue;
      }
      validateScenario(scenario);
      scenarios.push(scenario);
      if (scenario.warnings !== undefined) warnings.push(formatProblems(scenario.warnings));
    } catch (err) {
      const message = err instanceof PlanError ? formatPlanError(err, file) : `${file}: ${(err as Error).message}`;
      invalid.push({ file, message });
    }
  }
  return { scenarios, invalid, warnings };
}
