// What a running step is waiting for, so that a timeout names it ("recv waited 2000 ms for 5 bytes
// from the server; got 3") instead of saying only that time ran out; and when its timeout falls
// due, which depends on the peers it waits on (src/peer/awaited.ts): the timeout counts from when
// the last of them was running, so a step never fails because another peer was slow to start.
import type { Step } from '../scenario/types';
import { StepFailure } from './errors';
import type { EventLog } from './event-log';

const nowNs = (): number => Number(process.hrtime.bigint());

export class StepProgress {
  private describeWait: () => string = () => 'the step to complete';
  private customTimeout?: () => StepFailure;
  readonly startedAt: number;
  /** monotonic ns, the clock of events */
  private readonly beganNs: number;

  constructor(
    readonly step: Step,
    readonly timeoutMs: number,
    /** the peers whose start the step depends on, and where their starts are learnt */
    private readonly awaited: { peers: readonly string[]; log?: EventLog } = { peers: [] },
    /** when the step began (monotonic ns), if before now: a step native code began (src/peer/exchange.ts) */
    began?: number,
  ) {
    const now = nowNs();
    this.beganNs = began ?? now;
    this.startedAt = Math.round(Date.now() - (now - this.beganNs) / 1e6);
  }

  /** What the step waits for right now, e.g. for the `stopped` event when the harness ends the peer. */
  describe(): string {
    return this.describeWait();
  }

  /** Describe what the step waits for now; read only when the timeout passes. */
  waitingFor(describe: () => string): void {
    this.describeWait = describe;
  }

  /** A step that can say more on timeout than "waited for" (bulk traffic reports what arrived). */
  onTimeout(report: () => StepFailure): void {
    this.customTimeout = report;
  }

  /**
   * Where the timeout starts counting (monotonic ns): when the step began or, if later, when the
   * last awaited peer started, with that peer's id. Undefined while an awaited peer has not started.
   */
  countsFrom(): { ns: number; after?: string } | undefined {
    let from: { ns: number; after?: string } = { ns: this.beganNs };
    for (const id of this.awaited.peers) {
      const since = this.awaited.log?.runningSince(id);
      if (since === undefined) return undefined;
      if (since > from.ns) from = { ns: since, after: id };
    }
    return from;
  }

  /** Milliseconds until the timeout falls due (<= 0: it has); undefined while it is not counting yet. */
  dueInMs(): number | undefined {
    const from = this.countsFrom();
    if (from === undefined) return undefined;
    return this.timeoutMs - (nowNs() - from.ns) / 1e6;
  }

  /** "10000 ms", or "10000 ms after client-3 started (it started 4.2 s after the step began)". */
  waited(): string {
    const from = this.countsFrom();
    const late = from?.after === undefined ? 0 : (from.ns - this.beganNs) / 1e9;
    // A start within the same instant as the step is no news.
    if (late < 0.05) return `${this.timeoutMs} ms`;
    return `${this.timeoutMs} ms after ${from!.after} started (it started ${late.toFixed(1)} s after the step began)`;
  }

  timeoutFailure(): StepFailure {
    if (this.customTimeout) return this.customTimeout();
    return new StepFailure('STEP_TIMEOUT', `${this.step.step} waited ${this.waited()} for ${this.describeWait()}`);
  }
}
