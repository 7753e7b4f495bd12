// Bulk work in native code, reported as one summary: sequence traffic (generated, framed and
// verified) and descriptor passing (sent, checked and closed).
export { sendTraffic, receiveTraffic } from './engine';
export { sendDescriptors, receiveDescriptors } from './descriptors';
export { describeAnomaly } from './describe';
export { TrafficError, TrafficOptionError } from './errors';
export * as frame from './frame';
export type * from './types';
export { SMALL_EXCHANGE } from './types';
export { startExchange, type ExchangeOp, type ExchangeOutcome } from './exchange';
