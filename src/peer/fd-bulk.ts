// Bulk descriptor passing in the scripted peer (`sendFds` / `recvFds` with `repeat`): the native
// engine (src/traffic) sends, or receives, checks and closes; this module ties a run to the step's
// timeout and turns the receiver's summary into the step's verdict, named by message number.
import type { FdExpectation } from '../scenario/types';
import type { UnixAddress, UnixSocket } from '../socket';
import { receiveDescriptors, sendDescriptors, type DescriptorExpectation, type FdReceiverSummary, type FdSenderSummary } from '../traffic';
import { plural } from './describe';
import { StepFailure } from './errors';
import { pathInfo } from './fd-info';
import type { StepProgress } from './progress';

export type { FdReceiverSummary, FdSenderSummary };

export async function sendFdsBulk(
  sock: UnixSocket,
  options: { fds: number[]; data: Buffer; repeat: number; to?: UnixAddress; receiver: string },
  progress: StepProgress,
): Promise<FdSenderSummary> {
  const { repeat, receiver } = options;
  const run = sendDescriptors(sock, { fds: options.fds, data: options.data, repeat, ...(options.to !== undefined ? { to: options.to } : {}) });
  progress.waitingFor(() => `${receiver} to take ${repeat} messages with descriptors; sent ${run.progress().messages}`);
  progress.onTimeout(() => {
    run.cancel();
    const sent = run.progress().messages;
    return new StepFailure('STEP_TIMEOUT', `sendFds waited ${progress.waited()} for ${receiver} to take ${repeat} messages with descriptors; it took ${sent}`, repeat, sent);
  });
  return run.result;
}

export interface BulkReceive {
  count: number;
  room?: number;
  truncated?: boolean;
  repeat: number;
  data?: string;
  /** bytes of one message when `data` is not declared: what the sender sends by default */
  dataBytes: number;
  expect: FdExpectation[];
  /** absolute paths of the declared files, by name */
  files: Record<string, string>;
  sender: string;
}

export async function receiveFdsBulk(sock: UnixSocket, options: BulkReceive, progress: StepProgress): Promise<FdReceiverSummary> {
  const { repeat, sender } = options;
  const run = receiveDescriptors(sock, {
    count: options.count,
    repeat,
    expect: options.expect.map((e) => expectation(e, options.files)),
    dataBytes: options.dataBytes,
    ...(options.room !== undefined ? { room: options.room } : {}),
    ...(options.truncated !== undefined ? { truncated: options.truncated } : {}),
    ...(options.data !== undefined ? { data: Buffer.from(options.data) } : {}),
  });
  const wanted = `${repeat} messages with ${plural(options.count, 'descriptor')} from ${sender}`;
  progress.waitingFor(() => `${wanted}; got ${run.progress().messages}`);
  progress.onTimeout(() => {
    run.cancel();
    const got = run.progress().messages;
    return new StepFailure('STEP_TIMEOUT', `recvFds waited ${progress.waited()} for ${wanted}; ${got} arrived`, repeat, got);
  });
  const summary = await run.result;
  judge(summary, wanted, sender);
  return summary;
}

function expectation(e: FdExpectation, files: Record<string, string>): DescriptorExpectation {
  const out: DescriptorExpectation = {};
  if (e.sameFileAs !== undefined) {
    const file = files[e.sameFileAs];
    if (file === undefined) {
      throw new StepFailure('FD_MISMATCH', `recvFds compares with file "${e.sameFileAs}", which is not declared under \`files:\``, e.sameFileAs, undefined);
    }
    const { dev, ino } = pathInfo(file);
    out.sameFile = { name: e.sameFileAs, dev, ino };
  }
  if (e.type !== undefined) out.type = e.type;
  if (e.mode !== undefined) out.mode = e.mode;
  return out;
}

// Truncation first, as for a single message: a truncated message also has too few descriptors.
function judge(summary: FdReceiverSummary, wanted: string, sender: string): void {
  const totals = (text: string, count: number): string => (count > 1 ? `${text}; ${count} of ${summary.received} messages did not match` : text);
  const got = { received: summary.received, mismatched: summary.mismatched, truncatedCount: summary.truncatedCount, firstMismatches: summary.firstMismatches };
  const truncation = summary.firstMismatches.find((m) => m.kind === 'truncation');
  if (summary.truncationMismatches > 0 && truncation !== undefined) {
    throw new StepFailure('TRUNCATION_MISMATCH', totals(truncation.text, summary.truncationMismatches), { truncated: !truncation.truncated }, got);
  }
  const first = summary.firstMismatches.find((m) => m.kind !== 'truncation');
  if (summary.mismatched > 0 && first !== undefined) {
    throw new StepFailure(first.kind === 'data' ? 'RECV_MISMATCH' : 'FD_MISMATCH', totals(first.text, summary.mismatched), { received: summary.repeat, mismatched: 0 }, got);
  }
  if (summary.stopped === 'eof') {
    throw new StepFailure('FD_MISMATCH', `recvFds expected ${wanted}, but ${sender} ended the stream after ${summary.received}`, { received: summary.repeat }, got);
  }
}
