// Errors found while planning a run: the scenario asks for something this machine cannot give
// (a socket path longer than sun_path, an unknown `${variable}`, an unsafe temp base). Each has a
// stable `code`, the offending value, and a message that says what to change.

import { CodedError } from '../errors/coded-error';
import type { SourcePos } from '../scenario/types';

export type PlanErrorCode =
  | 'ERR_SOCKET_PATH_TOO_LONG'
  | 'ERR_UNKNOWN_VARIABLE'
  | 'ERR_VARIABLE_UNAVAILABLE'
  | 'ERR_TMP_BASE_UNSAFE'
  | 'ERR_PEER_UNSUPPORTED'
  | 'ERR_PAIR_PEERS'
  | 'ERR_PEER_PROGRAM_MISSING'
  | 'ERR_PROGRAM_NOT_FOUND'
  | 'ERR_PROGRAM_NOT_EXECUTABLE'
  | 'ERR_SUPERVISOR_MISSING'
  | 'ERR_PATH_OUTSIDE'
  | 'ERR_FILE_NAME';

export class PlanError extends CodedError<PlanErrorCode> {
  override readonly name = 'PlanError';
  /** the path, variable or value at fault */
  readonly value: string;
  /** where the offending value was written, when the scenario came from a file */
  pos?: SourcePos;

  constructor(code: PlanErrorCode, value: string, message: string, options?: { cause?: unknown; pos?: SourcePos }) {
    super(code, message, options);
    this.value = value;
    if (options?.pos !== undefined) this.pos = options.pos;
  }

  /** Runs `plan`, giving a PlanError it throws the position `pos` unless it has a closer one. */
  static at<T>(pos: SourcePos | undefined, plan: () => T): T {
    try {
      return plan();
    } catch (err) {
      if (err instanceof PlanError && err.pos === undefined && pos !== undefined) err.pos = pos;
      throw err;
    }
  }
}

export class SocketPathTooLongError extends PlanError {
  readonly byteLength: number;
  readonly limit: number;

  /** `fix`: what to change, when not the temp base (a path or a name the user wrote in full) */
  constructor(path: string, byteLength: number, limit: number, what: string, fix = 'use a shorter temp base (option `tmpBase` or env UDS_FIXTURE_TMPDIR) or a shorter name') {
    super('ERR_SOCKET_PATH_TOO_LONG', path, `${what} ${path} is ${byteLength} bytes, longer than the ${limit} bytes sun_path holds on ${process.platform}; ${fix}`);
    this.byteLength = byteLength;
    this.limit = limit;
  }
}
