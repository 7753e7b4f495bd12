import type { Scenario } from '../scenario/types';
import type { PlannedRun } from '../plan/types';
import type { RunRecord } from '../run/types';
import type { Failure, Warning } from './result';

export interface JudgeInput {
  scenario: Scenario;
  plan: PlannedRun;
  record: RunRecord;
}

export interface Findings {
  failures?: Failure[];
  warnings?: Warning[];
}

/** One family of verdicts: reads the run, says what failed and what deserves a warning. */
export type Verdict = (input: JudgeInput) => Findings;
