// Plan, run and judge a hand-made scenario under a private temp base.
import path from 'node:path';
import { planRun } from '../../src/plan/plan-run';
import type { PlannedRun, PlanOptions } from '../../src/plan/types';
import { executePlan, type ExecuteOptions } from '../../src/run/execute';
import type { RunRecord } from '../../src/run/types';
import { judgeRun } from '../../src/judge/judge-run';
import type { ScenarioResult } from '../../src/judge/result';
import type { Scenario } from '../../src/scenario/types';

export const fixture = (name: string): string => path.join(__dirname, 'fixtures', name);

export interface HandMadeRun {
  plan: PlannedRun;
  record: RunRecord;
  result: ScenarioResult;
}

export async function runHandMade(scenario: Scenario, options: PlanOptions & ExecuteOptions): Promise<HandMadeRun> {
  const { signal, onEvent, ...planOptions } = options;
  const plan = planRun(scenario, planOptions);
  if (plan.kind !== 'run') throw new Error(`unexpectedly skipped: ${plan.reason}`);
  const record = await executePlan(plan, { ...(signal ? { signal } : {}), ...(onEvent ? { onEvent } : {}) });
  return { plan, record, result: judgeRun(scenario, plan, record) };
}

/** True when no process of that id exists any more. */
export function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
