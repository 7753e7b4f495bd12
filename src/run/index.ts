export { executePlan, type ExecuteOptions } from './execute';
export { reapStaleRunDirs, isProcessAlive } from './reaper';
export { packageRoot, peerProgramPath } from './package-root';
export { HarnessError, type HarnessErrorCode } from './errors';
export { NotReadyError } from './readiness';
export type { RunRecord, PeerRecord, LeftoverSocket, StopReason, NotReadyRecord, ChannelWarning } from './types';
