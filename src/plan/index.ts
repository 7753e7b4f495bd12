export { planRun, checkPrograms, DEFAULT_GRACE_MS } from './plan-run';
export { PlanError, SocketPathTooLongError, type PlanErrorCode } from './errors';
export { checkSunPath, sunPathLimit } from './sun-path';
export { substitute, type Variables } from './substitute';
export { skipReason } from './platform';
export { resolveTmpBase, plannedRunBase, TMP_BASE_ENV } from './run-base';
export { PAIR_FD } from './pair-fd';
export { INHERITED_ENV_NAMES, inheritedEnv } from './env';
export type { RunPlan, PlannedRun, SkippedRun, PeerPlan, PeerRole, ReadinessPlan, ProbeAddress, PlanOptions, PlanTimeouts, PlannedFile } from './types';
