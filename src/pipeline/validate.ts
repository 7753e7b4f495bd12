// `uds-fixture validate` and the loading of every face: a scenario that loads is also planned, by
// the same planRun a run uses, so what validates is what can run here (sun_path under the temp
// base in use, paths that stay in the run directory, substitutions, file names, programs).
import { checkPrograms } from '../plan/check-programs';
import { planRun } from '../plan/plan-run';
import type { PlanOptions } from '../plan/types';
import type { Scenario } from '../scenario/types';

/** Throws the PlanError a run would meet before starting anything; makes nothing. */
export function validateScenario(scenario: Scenario, options: Pick<PlanOptions, 'tmpBase'> = {}): void {
  const plan = planRun(scenario, options);
  if (plan.kind === 'run') checkPrograms(scenario, plan);
}
