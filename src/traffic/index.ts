// Sequence traffic: generated, framed and verified in native code, reported as one summary.
export { sendTraffic, receiveTraffic } from './engine';
export { describeAnomaly } from './describe';
export { TrafficError, TrafficOptionError } from './errors';
export * as frame from './frame';
export type * from './types';
