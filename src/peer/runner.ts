// Runs one step: its timeout, and what `expectError` turns a failure (or a success) into.
import { DEFAULT_STEP_TIMEOUT_MS, type Step } from '../scenario/types';
import { errnoCode, messageOf, StepFailure, syscallOf } from './errors';
import { failureCause } from './failure-cause';
import { awaitedPeers } from './awaited';
import { StepProgress } from './progress';
import type { PeerRuntime } from './runtime';
import { STEPS, type StepDetails } from './steps';

/** How long a step that failed after its stop was announced waits for that SIGTERM. */
const ANNOUNCED_STOP_WAIT_MS = 5_000;

type AnyStepImpl = { run(step: Step, peer: PeerRuntime, progress: StepProgress): Promise<StepDetails>; untimed?: boolean };

/**
 * A step native code began and could not complete (src/peer/exchange.ts): when it began (its
 * timeout, and how long a stop finds it waiting, count from then), and its outcome as the step's
 * own work, judged here as any step's is; without `work` the step runs as it always does.
 */
export interface Handover {
  beganNs: number;
  work?(progress: StepProgress): Promise<StepDetails>;
}

/** Resolves when the step completed as declared; rejects with the StepFailure otherwise. */
export async function runStep(step: Step, peer: PeerRuntime, handover?: Handover): Promise<void> {
  const impl = STEPS[step.step] as unknown as AnyStepImpl;
  const timeoutMs = step.timeoutMs ?? (impl.untimed ? undefined : DEFAULT_STEP_TIMEOUT_MS);
  const progress = new StepProgress(step, timeoutMs ?? Number.POSITIVE_INFINITY, { peers: awaitedPeers(step, peer), log: peer.log }, handover?.beganNs);
  peer.running = progress;
  const work = handover?.work ? handover.work(progress) : impl.run(step, peer, progress);
  // Once the timeout won, the step's late outcome changes nothing: the peer is already failing.
  work.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  let unwatch: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    if (timeoutMs === undefined) return;
    // While an awaited peer has not started, the timeout does not count; every relayed event
    // re-checks. Once all have, its due time is fixed and one timer suffices.
    const arm = (): boolean => {
      const due = progress.dueInMs();
      if (due === undefined) return false;
      unwatch?.();
      unwatch = undefined;
      clearTimeout(timer);
      if (due <= 0) reject(progress.timeoutFailure());
      else timer = setTimeout(arm, Math.ceil(due));
      return true;
    };
    // Watched only while it cannot count yet: a watcher makes the peer follow the relay.
    if (!arm()) unwatch = peer.log.watch(arm);
  });
  let details: StepDetails;
  try {
    details = await Promise.race([work, timeout]);
  } catch (err) {
    // A step that failed because another peer was stopped first (its end-of-file, ECONNRESET)
    // finds its own stop announced (the harness announces before it signals): it waits for that
    // SIGTERM, whose `stopped` event then names this step as it was, as if it had come first.
    // Bounded: should the signal never come, the failure is reported as it is (a timer also keeps
    // the process from ending quietly with nothing left to wait on).
    if (peer.stopAnnounced()) await new Promise((resolve) => setTimeout(resolve, ANNOUNCED_STOP_WAIT_MS));
    if (err instanceof StepFailure) throw err;
    const code = errnoCode(err);
    const syscall = syscallOf(err);
    if (step.expectError !== undefined && code === step.expectError) {
      peer.emit('error', { code, syscall, message: messageOf(err) }, step.index);
      return;
    }
    if (step.expectError !== undefined && code !== undefined) {
      throw new StepFailure(
        'WRONG_ERROR',
        `${step.step} failed with ${code}${syscall ? ` (${syscall})` : ''}, but it declared expectError: ${step.expectError}; ${messageOf(err)}`,
        step.expectError,
        code,
        { errno: code, syscall },
      );
    }
    const known = failureCause(step, code);
    throw new StepFailure(
      'UNEXPECTED_ERROR',
      (known
        ? `${step.step} failed: ${known.cause} (${code}${syscall ? ` from ${syscall}` : ''}); ${known.fix}`
        : `${step.step} failed${code ? ` with ${code}` : ''}${syscall ? ` (${syscall})` : ''}: ${messageOf(err)}`) +
        (code ? `; if this failure is the point of the test, declare it: \`expectError: ${code}\`` : ''),
      undefined,
      code,
      { errno: code, syscall },
    );
  } finally {
    clearTimeout(timer);
    unwatch?.();
    if (peer.running === progress) peer.running = undefined;
  }
  if (step.expectError !== undefined) {
    throw new StepFailure(
      'EXPECTED_ERROR_MISSING',
      `${step.step} succeeded, but it declared expectError: ${step.expectError}`,
      step.expectError,
      'success',
    );
  }
  // A step that knows when its system call ran (connect, accept, send, recv, sendFds, recvFds) is dated there.
  peer.emitStep(step.step, details, step.index);
}
