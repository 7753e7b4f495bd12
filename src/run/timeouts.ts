export type StopCause = 'timeout' | 'aborted';

/**
 * The whole-run deadline and the caller's AbortSignal folded into one signal: whatever comes
 * first stops the run, and `cause` says which.
 */
export class RunDeadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort: () => void;
  cause?: StopCause;

  constructor(
    readonly timeoutMs: number,
    private readonly external?: AbortSignal,
  ) {
    this.timer = setTimeout(() => this.stop('timeout'), timeoutMs);
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
