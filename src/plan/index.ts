export { planRun } from './plan-run';
export { PlanError, SocketPathTooLongError, type PlanErrorCode } from './errors';
export { skipReason } from './platform';
export type { RunPlan, PlannedRun, SkippedRun, PeerPlan, PlanOptions } from './types';
