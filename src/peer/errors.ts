// Two kinds of failure inside a scripted peer:
// - `StepFailure`: the step did not meet its declaration; it becomes a `fail` event with a stable
//   FailCode and the peer exits 1.
// - `PeerError`: the step could not run the way a real program would fail (no connection yet,
//   nothing bound...). It carries an errno-style code and syscall, exactly like a SocketError, so
//   `expectError` can declare it (a real `send` before `connect` fails with ENOTCONN too).
import { CodedError } from '../errors/coded-error';
import type { FailCode } from '../protocol/events';

export class StepFailure extends CodedError<FailCode> {
  override readonly name = 'StepFailure';
  /**
   * What a failed receive took before it failed: the bytes (judged and found wrong) and when the
   * recvmsg that brought the last of them returned, so the `fail` event is dated there and the
   * timeline pairs those bytes with the send that wrote them.
   */
  took?: { bytes: number; atNs: number; from: Record<string, string | number> };
  /**
   * What must be reported before the `fail` event (awaited, bounded): the events a cancelled
   * traffic engine still has to give, such as the arrivals of a small exchange that timed out.
   */
  reporting?: Promise<void>;
  constructor(
    code: FailCode,
    message: string,
    readonly expected?: unknown,
    readonly got?: unknown,
    /** the syscall failure behind it, for UNEXPECTED_ERROR and WRONG_ERROR */
    readonly failedCall?: { errno?: string; syscall?: string },
  ) {
    super(code, message);
  }
}

export class PeerError extends CodedError {
  override readonly name = 'PeerError';
  constructor(
    code: string,
    readonly syscall: string,
    message: string,
  ) {
    super(code, message);
  }
}

/** The errno-style code of a failed syscall (SocketError, Node fs errors, PeerError), if any. */
export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

export function syscallOf(err: unknown): string | undefined {
  const syscall = (err as { syscall?: unknown } | null)?.syscall;
  return typeof syscall === 'string' ? syscall : undefined;
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
