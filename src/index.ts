// The public API of uds-fixture.
export { runScenario, type RunOptions } from './pipeline/run-scenario';
export { loadScenario, normalizeScenario, defineScenario, scenarioJsonSchema, ScenarioError } from './scenario';
export { UnixSocket, SocketError, SUN_PATH_MAX } from './socket';
export { startProxy, Proxy, ProxyOptionsError, type ProxyOptions, type ProxyStopped, type ProxyEvent, type ProxyStats } from './proxy';
export { PlanError, SocketPathTooLongError, type PlanErrorCode } from './plan';
export { HarnessError, type HarnessErrorCode } from './errors/harness-error';
export { packageRoot } from './package/package-root';
export { planRun, type RunPlan, type PlannedRun, type SkippedRun, type PeerPlan, type PlanOptions } from './plan';
export { executePlan, type RunRecord, type PeerRecord, type LeftoverSocket } from './run';
export { judgeRun, VERDICTS, type Verdict } from './judge';
export type { ScenarioResult, Failure, FailureCode, PeerOutcome, Warning } from './judge/result';
export type * from './scenario/types';
export type { UnixAddress, PeerCredentials, SendOptions, RecvOptions, Received, Sent, SocketErrorFields } from './socket';
export { EVENTS_PROTOCOL_VERSION, ENV, FAIL_CODES, type PeerEvent, type PeerLaunch, type FailCode } from './protocol/events';
export type { ModulePeerContext, ModulePeer } from './peer/module-peer';
