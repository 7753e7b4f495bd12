export { executePlan, type ExecuteOptions } from './execute';
export { reapStaleRunDirs, isProcessAlive } from './reaper';
export { NotReadyError } from './readiness';
export type { RunRecord, PeerRecord, LeftoverSocket, StopReason, NotReadyRecord, ChannelWarning } from './types';
