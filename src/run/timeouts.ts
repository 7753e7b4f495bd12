import { startAllowanceCapMs } from './startup-time';

export type StopCause = 'timeout' | 'aborted';

/**
 * The whole-run deadline and the caller's AbortSignal folded into one signal: whatever comes
 * first stops the run, and `cause` says which.
 */
export class RunDeadline {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout;
  private readonly startedAt = performance.now();
  private readonly onAbort: () => void;
  cause?: StopCause;

  constructor(
    readonly timeoutMs: number,
    private readonly external?: AbortSignal,
    /** ms the run may take beyond its timeout (its peers' start-up, so far), at most startAllowanceCapMs */
    private readonly allowanceMs: () => number = () => 0,
  ) {
    this.timer = setTimeout(() => this.due(), timeoutMs);
    this.onAbort = () => this.stop('aborted');
    if (external?.aborted) this.stop('aborted');
    else external?.addEventListener('abort', this.onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Resolves when the run must stop; never rejects. */
  whenStopped(): Promise<StopCause> {
    if (this.cause) return Promise.resolve(this.cause);
    return new Promise((resolve) => this.signal.addEventListener('abort', () => resolve(this.cause!), { once: true }));
  }

  /**
   * The timeout passed: stop, unless the allowance moved the deadline later in the meantime. While
   * a peer is still starting the allowance grows with the clock, and the deadline waits (up to
   * the timeout again, or 10 s for a shorter one: startAllowanceCapMs).
   */
  private due(): void {
    const allowed = Math.min(startAllowanceCapMs(this.timeoutMs), Math.max(0, this.allowanceMs()));
    const left = this.startedAt + this.timeoutMs + allowed - performance.now();
    if (left >= 1) this.timer = setTimeout(() => this.due(), left);
    else this.stop('timeout');
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.external?.removeEventListener('abort', this.onAbort);
  }

  private stop(cause: StopCause): void {
    if (this.cause) return;
    this.cause = cause;
    clearTimeout(this.timer);
    this.controller.abort(cause);
  }
}
