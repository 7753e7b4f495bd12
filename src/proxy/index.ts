// The fault-injecting forwarding proxy between two real programs (native/proxy.cc does the work).
export { startProxy, Proxy, ProxyOptionsError, nativeFaults } from './proxy';
export type { ProxyOptions, ProxyStopped } from './proxy';
export { describeProxyEvent, previewText } from './events';
export { proxyRecord, proxyStartRecord, proxyStoppedRecord } from './record';
export type { ProxySides, ProxyStartFields } from './record';
export type { ProxyEvent, ProxyStats, ProxyInput, ProxyFaultsInput, FaultSelectorInput, ProxySide } from './types';
