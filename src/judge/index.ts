export { judgeRun, skippedResult, VERDICTS } from './judge-run';
export type { Verdict, JudgeInput, Findings } from './verdict';
export type { ScenarioResult, Failure, FailureCode, PeerOutcome, Warning } from './result';
