// Scripted `send` / `recv` steps with literal bytes, run on the native engine's own thread
// (native/exchange.cc): the steps of a request/response exchange at the speed of the system calls.
// Only the path where every step succeeds runs there; the run stops at the first step that does
// not, and hands back what that step had moved, for the caller to judge.
import type { UnixSocket } from '../socket';
import { TrafficError } from './errors';
import { trafficBinding, type NativeExchangeOutcome } from './native';
import { startRun } from './run';
import type { TrafficRun } from './types';

export interface ExchangeOp {
  send: boolean;
  data: Buffer;
  /** 0: no timeout */
  timeoutMs: number;
}

/**
 * How a run ended: `complete` (every op), or at op `done`: `mismatch` (a receive got other bytes),
 * `eof`, `timeout`, `error` (a system call failed), `cancelled`, `closed` (the socket was closed).
 */
export type ExchangeOutcome = NativeExchangeOutcome;

/** Runs `ops` in order on the connected stream socket `sock`; while it runs, nothing else may use it. */
export function startExchange(sock: UnixSocket, ops: readonly ExchangeOp[]): TrafficRun<ExchangeOutcome> {
  if (sock.type !== 'stream') throw new TypeError(`the native exchange runs on a stream socket, not ${sock.type}`);
  const run = startRun(sock, 'exchange', (done) => trafficBinding().exchange(sock.fd, { ops }, done), (outcome) => outcome as unknown as ExchangeOutcome);
  // The outcome says where and why the run stopped, also when a system call failed: no rejection.
  const result = run.result.catch((err: unknown) => {
    if (err instanceof TrafficError) return err.summary as ExchangeOutcome;
    throw err;
  });
  return { ...run, result };
}
