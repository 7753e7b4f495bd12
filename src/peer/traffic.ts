// Bulk `pattern: sequence` traffic in the scripted peer: the native engine (src/traffic) sends and
// verifies; this module ties a run to the step's timeout and reports what had arrived when it
// fires. The peer does not judge the summary: it emits it as one `traffic` event.
import type { SizeRange, SocketType } from '../scenario/types';
import type { UnixAddress, UnixSocket } from '../socket';
import { receiveTraffic, sendTraffic, type ReceiverSummary, type SenderSummary } from '../traffic';
import { StepFailure } from './errors';
import type { StepProgress } from './progress';
import { putAhead } from './read-ahead';

export type { ReceiverSummary, SenderSummary };

export interface SequenceOptions {
  count: number;
  size: SizeRange;
  /** accepted from callers for their convenience; the engine takes the type from the socket itself */
  socketType?: SocketType;
}

export async function sendSequence(
  sock: UnixSocket,
  options: SequenceOptions & { senderId: string; to?: UnixAddress },
  progress: StepProgress,
): Promise<SenderSummary> {
  const run = sendTraffic(sock, { senderId: options.senderId, count: options.count, size: options.size, ...(options.to !== undefined ? { to: options.to } : {}) });
  progress.waitingFor(() => `the receiver to take ${options.count} sequence messages; sent ${run.progress().messages}`);
  progress.onTimeout(() => {
    run.cancel();
    return new StepFailure(
      'STEP_TIMEOUT',
      `send waited ${progress.waited()} for the receiver to take ${options.count} sequence messages; it took ${run.progress().messages}`,
      options.count,
      run.progress().messages,
    );
  });
  return run.result;
}

/** Receives on one socket, or fans in from several connections of a server in one native run. */
export async function receiveSequence(
  socks: UnixSocket | UnixSocket[],
  options: SequenceOptions,
  progress: StepProgress,
  reportPartial: (partial: { role: 'receiver'; count: number; received: number; bytes: number; partial: true }) => void,
  reportArrivals?: (summary: ReceiverSummary) => void,
): Promise<ReceiverSummary> {
  const [sock, ...more] = Array.isArray(socks) ? socks : [socks];
  const run = receiveTraffic(sock!, { count: options.count, size: options.size, ...(more.length > 0 ? { more } : {}) });
  let timedOut: StepFailure | undefined;
  progress.waitingFor(() => `${options.count} sequence messages; got ${run.progress().messages}`);
  progress.onTimeout(() => {
    // The engine's full tally is on its thread; the step fails now with the counters it shares.
    run.cancel();
    const { messages, bytes } = run.progress();
    reportPartial({ role: 'receiver', count: options.count, received: messages, bytes, partial: true });
    const failure = new StepFailure(
      'STEP_TIMEOUT',
      `recv waited ${progress.waited()} for ${options.count} sequence messages; ${messages} arrived`,
      options.count,
      messages,
    );
    // The cancelled engine still gives its tally (resolved, or rejected once its socket closed):
    // a small exchange's arrivals go on the timeline before the failure.
    const tally = (summary: unknown): void => {
      if (summary && (summary as ReceiverSummary).role === 'receiver') reportArrivals?.(summary as ReceiverSummary);
    };
    failure.reporting = run.result.then(tally, (err: { summary?: unknown }) => tally(err?.summary));
    timedOut = failure;
    return failure;
  });
  const { readPast, ...summary } = await run.result;
  // What a stream's last read took after the traffic is the next step's to read.
  const all = [sock!, ...more];
  for (const [i, bytes] of (readPast ?? []).entries()) if (all[i]) putAhead(all[i]!, bytes);
  // The step already failed at its timeout, and its failure reported what arrived: nothing more.
  if (timedOut) throw timedOut;
  return summary;
}
