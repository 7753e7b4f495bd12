export { executePlan } from './execute';
export type { RunRecord, PeerRecord, LeftoverSocket } from './types';
