// Errors of the traffic engine: a bad option before anything runs, or a run that ended on a failed
// syscall or a closed socket (the socket error, with what had been counted until then).
import { CodedError } from '../errors/coded-error';
import { SocketError } from '../socket/errors';
import type { NativeExchangeOutcome } from './native';
import type { FdReceiverSummary, FdSenderSummary, ReceiverSummary, SenderSummary } from './types';

/** What any bulk run reports. */
export type TrafficSummary = SenderSummary | ReceiverSummary | FdSenderSummary | FdReceiverSummary | NativeExchangeOutcome;

export class TrafficOptionError extends CodedError<'ERR_UDS_TRAFFIC_OPTION'> {

  constructor(
    readonly option: string,
    readonly value: unknown,
    expected: string,
  ) {
    super('ERR_UDS_TRAFFIC_OPTION', `traffic option ${option} must be ${expected}, got ${JSON.stringify(value)}`);
    this.name = 'TrafficOptionError';
  }
}

/** A SocketError (code, errno, syscall kept) that also carries the partial summary. */
export class TrafficError extends SocketError {
  constructor(
    error: SocketError,
    readonly summary: TrafficSummary,
  ) {
    super({ code: error.code, errno: error.errno, syscall: error.syscall, ...(error.path !== undefined ? { path: error.path } : {}) }, error.message, { cause: error });
    this.name = 'TrafficError';
  }
}
