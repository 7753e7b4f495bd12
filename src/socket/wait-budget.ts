// How long an operation that found its socket not ready may block in poll(2) before it waits on
// the event loop (UnixSocket.waitBudget). A reply that comes back within the budget is taken on
// the kernel's direct wake-up of this thread, not a round of the event loop; a wait that runs out
// blocked the loop for nothing. So the budget follows what the waits cost: it grows toward the
// limit when replies come back quickly (a hit in poll, or an event-loop wait that would have fit)
// and halves on every miss, down to off; after misses, trying again waits for a growing number of
// quick event-loop waits in a row, so a peer that can never answer within the budget (a server in
// this same process, which the blocked loop keeps from running) costs almost nothing.

/** The largest budget: a blocked event loop is paid for in the user's timers and I/O. */
export const MAX_WAIT_BUDGET_US = 10_000;
/** Below this a budget buys nothing a system call does not cost anyway: off. */
const MIN_BUDGET_US = 8;
/** At most this many quick event-loop waits in a row before trying again after misses. */
const MAX_COOLDOWN = 64;

export class WaitBudget {
  private limitUs = 0;
  private currentUs = 0;
  /** quick event-loop waits still to see before trying again */
  private cooldown = 0;
  /** how many to ask for after the next miss */
  private penalty = 1;

  /** Sets the limit (0: off) and starts there. */
  limit(us: number): void {
    this.limitUs = us;
    this.currentUs = us;
    this.cooldown = 0;
    this.penalty = 1;
  }

  get limitMicros(): number {
    return this.limitUs;
  }

  /** The budget for the next wait in µs; 0: wait on the event loop at once. */
  get micros(): number {
    return this.currentUs;
  }

  /** The socket became ready `tookUs` into a synchronous wait. */
  hit(tookUs: number): void {
    this.currentUs = Math.min(this.limitUs, Math.max(this.currentUs, 2 * tookUs));
    this.penalty = 1;
  }

  /** A synchronous wait ran out: halve, and be slower to come back. */
  miss(): void {
    this.currentUs = this.currentUs / 2 < MIN_BUDGET_US ? 0 : this.currentUs / 2;
    this.cooldown = this.penalty;
    this.penalty = Math.min(MAX_COOLDOWN, this.penalty * 2);
  }

  /** An event-loop wait took `tookUs`: had it fitted the limit, a synchronous wait would have paid. */
  waited(tookUs: number): void {
    if (this.limitUs === 0 || tookUs > this.limitUs) return;
    if (this.cooldown > 0) {
      this.cooldown--;
      return;
    }
    this.currentUs = Math.min(this.limitUs, Math.max(this.currentUs, MIN_BUDGET_US, 2 * tookUs));
  }

  /** The platform cannot wait this way on this socket (macOS select(2) and a descriptor ≥ FD_SETSIZE). */
  off(): void {
    this.limitUs = 0;
    this.currentUs = 0;
  }
}
