// What a running step is waiting for, so that a timeout names it ("recv waited 2000 ms for 5 bytes
// from the server; got 3") instead of saying only that time ran out.
import type { Step } from '../scenario/types';
import { StepFailure } from './errors';

export class StepProgress {
  private describeWait: () => string = () => 'the step to complete';
  private customTimeout?: () => StepFailure;
  readonly deadline: number;
  readonly startedAt = Date.now();

  constructor(
    readonly step: Step,
    readonly timeoutMs: number,
  ) {
    this.deadline = this.startedAt + timeoutMs;
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

  remainingMs(): number {
    return Math.max(0, this.deadline - Date.now());
  }

  timeoutFailure(): StepFailure {
    if (this.customTimeout) return this.customTimeout();
    return new StepFailure('STEP_TIMEOUT', `${this.step.step} waited ${this.timeoutMs} ms for ${this.describeWait()}`);
  }
}
