// Operations of one direction of a socket (reads: accept, recv; writes: connect, send), run one
// after another in the order they were asked for. An operation tries its non-blocking syscall; on
// EAGAIN it waits for readiness on the environment's loop and tries again, so a full peer makes
// the sender wait, never spin and never drop. With a wait budget (src/socket/wait-budget.ts) it
// first blocks in poll(2) for up to that budget and tries again at once if the socket became ready.
import { performance } from 'node:perf_hooks';
import { cancelledError, syscallError } from './errors';
import { WaitBudget } from './wait-budget';

/** What one try of an operation achieved. */
export type Attempt<T> = { done: true; value: T } | { done: false; progressed: boolean };

export const finished = <T>(value: T): Attempt<T> => ({ done: true, value });
export const blocked = (progressed = false): Attempt<never> => ({ done: false, progressed });

/** Installs a one-shot readiness callback; returns 0 or a negative errno. */
export type WaitForReadiness = (callback: (status: number) => void) => number;
/** Blocks up to `budgetUs` for readiness: 1 ready, 0 not yet, or a negative errno. */
export type ReadyWithin = (budgetUs: number) => number;

interface Pending {
  syscall: string;
  path?: string;
  attempt: () => Attempt<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  /** tries in a row that made no progress */
  fruitless: number;
}

// Readiness is not always exact: macOS reports an AF_UNIX datagram sender writable while the
// receiver's queue is full (sendmsg then fails with ENOBUFS), and Linux reports an unconnected
// socket writable while a listener's backlog is full (connect fails with EAGAIN). When a wake-up
// brings no progress, the next wait starts with a short, growing delay instead of spinning.
const MAX_BACKOFF_MS = 64;

export class IoQueue {
  private readonly pending: Pending[] = [];
  private waiting = false;
  private timer: NodeJS.Timeout | undefined;
  /** the synchronous wait's budget; off (0) unless the socket's owner set a limit */
  readonly budget = new WaitBudget();
  /** performance.now() when the event-loop wait began, while a budget is set */
  private waitBegan = 0;

  constructor(
    private readonly waitForReadiness: WaitForReadiness,
    private readonly readyWithin?: ReadyWithin,
  ) {}

  run<T>(syscall: string, path: string | undefined, attempt: () => Attempt<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ syscall, path, attempt, resolve: resolve as (value: unknown) => void, reject, fruitless: 0 });
      if (!this.waiting) this.pump();
    });
  }

  /** Whether an operation is queued or waiting. */
  get busy(): boolean {
    return this.pending.length > 0;
  }

  /** Rejects every pending operation with ECANCELED (the socket closed). */
  cancelAll(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting = false;
    for (const op of this.pending.splice(0)) op.reject(cancelledError(op.syscall, op.path));
  }

  private pump(): void {
    while (this.pending.length > 0 && !this.waiting) {
      const op = this.pending[0]!;
      let outcome: Attempt<unknown>;
      try {
        outcome = op.attempt();
      } catch (error) {
        this.pending.shift();
        op.reject(error as Error);
        continue;
      }
      if (outcome.done) {
        this.pending.shift();
        op.resolve(outcome.value);
        continue;
      }
      op.fruitless = outcome.progressed ? 1 : op.fruitless + 1;
      // Once per readiness, as a wake-up from the loop would be: a socket reported ready that
      // then makes no progress goes on to the backoff below, never round this loop again.
      if (op.fruitless <= 1 && this.budget.micros > 0 && this.readyWithin !== undefined && this.waitedInPoll()) continue;
      this.waiting = true;
      if (op.fruitless <= 1) {
        this.waitNow(op);
      } else {
        const delay = Math.min(2 ** (op.fruitless - 2), MAX_BACKOFF_MS);
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.waitNow(op);
        }, delay);
      }
    }
  }

  /** Blocks up to the budget; true when the socket became ready in it (try again now). */
  private waitedInPoll(): boolean {
    const began = performance.now();
    const ready = this.readyWithin!(this.budget.micros);
    if (ready > 0) {
      this.budget.hit((performance.now() - began) * 1000);
      return true;
    }
    // A platform that cannot wait this way on this socket: the event loop, as without a budget
    // (any other failure is the socket's, and the event-loop wait or the retry reports it).
    if (ready < 0) this.budget.off();
    else this.budget.miss();
    return false;
  }

  private waitNow(op: Pending): void {
    if (this.budget.limitMicros > 0) this.waitBegan = performance.now();
    const result = this.waitForReadiness((status) => this.onReady(status));
    if (result < 0) this.fail(syscallError(result, op.syscall, op.path));
  }

  private onReady(status: number): void {
    if (!this.waiting) return;
    if (this.budget.limitMicros > 0) this.budget.waited((performance.now() - this.waitBegan) * 1000);
    if (status < 0) {
      const op = this.pending[0];
      if (op) {
        this.fail(syscallError(status, op.syscall, op.path));
        return;
      }
    }
    this.waiting = false;
    this.pump();
  }

  private fail(error: Error): void {
    this.waiting = false;
    this.pending.shift()?.reject(error);
    this.pump();
  }
}
