// When the peer's event lines go out. Every write wakes the harness, which relays the lines to
// every scripted peer: a request/response exchange of one step each way paid more for those
// wake-ups than for its own system calls (bench/RESULTS.md). So lines are gathered: all lines of
// one turn of the event loop go in one write, and at most one write goes out per interval. The
// first line after a quiet spell goes out on the next turn, as before; the lines of a burst of
// back-to-back steps wait for the end of the interval, then go together. A line's `t` was taken
// when its event happened, so the wait changes no date; what it delays is the harness seeing the
// event (live progress, and another peer's `waitFor`), by at most the interval.

/** At most one event write per this many milliseconds (see above). */
export const EVENT_WRITE_INTERVAL_MS = 2;

export class WritePacer {
  private pending = '';
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  /** when (performance.now(), ms) the last write went out */
  private lastWriteAt = Number.NEGATIVE_INFINITY;

  constructor(
    /** writes the text; called at most once per interval, never with an empty text */
    private readonly write: (text: string) => void,
    private readonly intervalMs: number = EVENT_WRITE_INTERVAL_MS,
  ) {}

  /** Queues one line (with its newline) for the next write. */
  add(line: string): void {
    this.pending += line;
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastWriteAt + this.intervalMs - performance.now();
    if (wait <= 0) setImmediate(() => this.writePending());
    else this.timer = setTimeout(() => this.writePending(), Math.ceil(wait));
  }

  /** Writes what is queued now, whatever the interval (the peer is about to exit). */
  writePending(): void {
    this.unschedule();
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.lastWriteAt = performance.now();
    this.write(text);
  }

  /**
   * Hands over what is queued, for a caller that writes it itself, before a line of its own (the
   * synchronous `stopped` as SIGTERM arrives): the harness reads the lines in the order they were made.
   */
  take(): string {
    this.unschedule();
    const text = this.pending;
    this.pending = '';
    return text;
  }

  private unschedule(): void {
    this.scheduled = false;
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
