// Runs of scripted `send` / `recv` steps with literal bytes on the current connection of a stream
// socket, done by native code on a thread of its own (src/traffic/exchange.ts): a request/response
// exchange then costs the system calls, not two Node event-loop rounds and an event write in each
// of two processes per step (bench/RESULTS.md: the scripted round trip).
//
// Nothing a scenario can observe changes. Each step still writes its own event, with the same
// details, dated at its system call as before; they are written together when the run ends. So a
// run only takes steps whose events no peer waits for (PeerLaunch.awaitedEvents), on a connection
// with nothing queued, and begins once every peer its steps wait on runs (so that their timeouts
// count from each step's start, as they would in JavaScript). Native
// code runs only the path where every step succeeds: the first step that does not stops the run,
// and that step is judged by the ordinary step code, from what the run hands back (the bytes it
// read go back to the connection's read-ahead; a timeout or a failed system call is its outcome).
// UDS_FIXTURE_NATIVE_STEPS=0 turns it off.
import { DEFAULT_STEP_TIMEOUT_MS, type Step } from '../scenario/types';
import type { UnixSocket } from '../socket';
import { cancelledError, syscallError } from '../socket/errors';
import { startExchange, type ExchangeOutcome } from '../traffic';
import { awaitedPeers } from './awaited';
import { LaunchError } from './launch';
import { StepProgress } from './progress';
import { noteReadNatively, queuedBefore, unread } from './read-ahead';
import type { Handover } from './runner';
import type { PeerRuntime } from './runtime';
import { exactDetails, exactWaitText } from './steps/recv';
import { sendWaitText, sentDetails } from './steps/send';
import type { StepOf } from './steps/types';

/** Fewer steps than this run as they always did: a thread's start costs about what one step does. */
const MIN_STEPS = 2;

type LiteralStep = StepOf<'send'> | StepOf<'recv'>;

/** Whether UDS_FIXTURE_NATIVE_STEPS allows runs in native code: `1` or unset (on), `0` (off). */
export function nativeStepsAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  const text = env.UDS_FIXTURE_NATIVE_STEPS;
  if (text === undefined || text === '' || text === '1') return true;
  if (text === '0') return false;
  throw new LaunchError(undefined, `UDS_FIXTURE_NATIVE_STEPS must be 0 (steps in JavaScript) or 1 (the default: literal send/recv runs in native code), got ${JSON.stringify(text)}`);
}

/** How many steps from `from` on native code can run: 0 for none. */
export function nativeRunLength(steps: readonly Step[], from: number, peer: PeerRuntime): number {
  const { launch } = peer;
  if (launch.socket.type !== 'stream' || !nativeStepsAllowed()) return 0;
  const awaited = launch.awaitedEvents ?? ['*'];
  if (awaited.includes('*')) return 0;
  const current = peer.current;
  if (current === undefined || !current.connected || current.sock.closed || queuedBefore(current.sock) !== undefined) return 0;
  let n = 0;
  while (from + n < steps.length) {
    const step = steps[from + n]!;
    if (literalBytes(step) === undefined || awaited.includes(step.step)) break;
    n++;
  }
  return n < MIN_STEPS ? 0 : n;
}

/**
 * A step's timeout counts from when the peers it waits on run (src/peer/awaited.ts); native code
 * counts from the step's start, which is the same once they all run: until they do (their starts
 * are on their way through the relay), the run waits. Every peer starts or its end is reported,
 * so the wait ends.
 */
async function untilAwaitedPeersRun(steps: readonly Step[], peer: PeerRuntime): Promise<void> {
  const ids = new Set(steps.flatMap((step) => awaitedPeers(step, peer)));
  const waiting = (): boolean | undefined => ([...ids].every((id) => peer.log.runningSince(id) !== undefined) ? true : undefined);
  if (waiting() === undefined) await peer.log.until(waiting);
}

/** The bytes of a `send` / `recv` native code can run as it stands; undefined for any other step. */
function literalBytes(step: Step): Buffer | undefined {
  if (step.step !== 'send' && step.step !== 'recv') return undefined;
  if (step.expectError !== undefined || step.sndbuf !== undefined || step.rcvbuf !== undefined || step.on !== undefined) return undefined;
  if (step.payload?.kind !== 'bytes' || (step.uses?.length ?? 0) > 0) return undefined;
  if (step.step === 'send' && step.to !== undefined) return undefined;
  if (step.step === 'recv') {
    const plain = step.matcher === undefined && step.frame === undefined && step.capture === undefined && step.eof !== true;
    if (!plain || step.from !== undefined || step.maxBytes !== undefined || step.truncated !== undefined) return undefined;
  }
  const data = Buffer.from(step.payload.base64, 'base64');
  return data.length > 0 ? data : undefined;
}

export interface NativeRunEnd {
  /** steps that completed (their events are written) */
  completed: number;
  /** how the next step, which stopped the run, is to be judged; absent: run it as any step */
  handover?: Handover;
}

/**
 * Runs `steps` (nativeRunLength said native code can) and writes their events. Stops at the first
 * step that did not complete: the caller runs that one next, with the handover. On a stop by
 * SIGTERM (`peer.native.settle()`), the stopped step becomes `peer.running` and this never returns.
 */
export async function runNatively(steps: readonly Step[], peer: PeerRuntime): Promise<NativeRunEnd> {
  const sock = peer.current!.sock;
  const literal = steps as readonly LiteralStep[];
  const data = literal.map((step) => literalBytes(step)!);
  let stoppedAt = -1;
  let partialBytes = 0;
  // What step k waits for, as the step itself says it.
  const waitText = (k: number): string =>
    literal[k]!.step === 'send' ? sendWaitText(peer, sock, undefined, data[k]!.length) : exactWaitText(peer, data[k]!.length, k === stoppedAt ? partialBytes : 0);
  const progressOf = (k: number, beganNs?: number): StepProgress => {
    const step = literal[k]!;
    const progress = new StepProgress(step, step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS, { peers: awaitedPeers(step, peer), log: peer.log }, beganNs);
    progress.waitingFor(() => waitText(k));
    return progress;
  };
  // While it waits for its peers' starts, a stop names the first step as where this peer was.
  peer.running = progressOf(0);
  await untilAwaitedPeersRun(steps, peer);
  peer.running = undefined;
  const run = startExchange(
    sock,
    literal.map((step, i) => ({ send: step.step === 'send', data: data[i]!, timeoutMs: step.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS })),
  );
  let reported!: () => void;
  const settled = new Promise<void>((resolve) => (reported = resolve));
  peer.native = {
    settle: () => {
      run.cancel();
      return settled;
    },
  };
  let outcome: ExchangeOutcome;
  try {
    outcome = await run.result;
  } finally {
    peer.native = undefined;
  }
  writeEvents(literal, data, outcome, sock, peer);
  const k = outcome.done;
  if (outcome.stopped === 'complete' || k >= literal.length) {
    reported();
    return { completed: literal.length };
  }
  const step = literal[k]!;
  if (step.step === 'recv' && outcome.partial.length > 0) {
    // What the stopped receive read goes back: the step, run again, reads it first.
    noteReadNatively(sock, outcome.partial.length, outcome.partialAtNs, 1);
    unread(sock, outcome.partial);
  }
  stoppedAt = k;
  partialBytes = outcome.partial.length;
  const syscall = step.step === 'send' ? 'sendmsg' : 'recvmsg';
  const never = new Promise<never>(() => undefined);
  switch (outcome.stopped) {
    case 'cancelled': {
      // SIGTERM: the stop reports this step as where the peer was, then the process ends.
      peer.running = progressOf(k, outcome.opStartNs);
      reported();
      return never;
    }
    case 'timeout':
      reported();
      return { completed: k, handover: { beganNs: outcome.opStartNs, work: (progress) => (progress.waitingFor(() => waitText(k)), never) } };
    case 'error':
    case 'closed': {
      const error = outcome.error ? syscallError(outcome.error.errno, outcome.error.syscall, sock.boundAddressText) : cancelledError(syscall, sock.boundAddressText);
      reported();
      return { completed: k, handover: { beganNs: outcome.opStartNs, work: (progress) => (progress.waitingFor(() => waitText(k)), Promise.reject(error)) } };
    }
    default:
      // mismatch, eof: the step runs again from the same start, reads the same bytes (and
      // end-of-file), and fails as it would have.
      reported();
      return { completed: k, handover: { beganNs: outcome.opStartNs } };
  }
}

/** One event per completed step, as the step would have written it. */
function writeEvents(steps: readonly LiteralStep[], data: readonly Buffer[], outcome: ExchangeOutcome, sock: UnixSocket, peer: PeerRuntime): void {
  let readBytes = 0;
  let reads = 0;
  let lastReadNs = 0;
  for (let i = 0; i < outcome.done && i < steps.length; i++) {
    const step = steps[i]!;
    const at = outcome.at[i]!;
    if (step.step === 'send') {
      peer.emitStep('send', sentDetails(peer, sock, undefined, data[i]!, data[i]!.length, at), step.index);
    } else {
      readBytes += data[i]!.length;
      reads++;
      lastReadNs = at;
      peer.emitStep('recv', exactDetails(peer, sock, data[i]!, at), step.index);
    }
  }
  noteReadNatively(sock, readBytes, lastReadNs, reads);
  peer.nativeSteps += Math.min(outcome.done, steps.length);
}
