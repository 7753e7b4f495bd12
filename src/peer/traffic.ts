// Bulk `pattern: sequence` traffic in TypeScript: the sender numbers and checksums every message,
// the receiver counts loss, duplication, reordering and corruption and reports ONE summary.
// Both functions take a socket and return a summary, so a native engine can replace them.
import fs from 'node:fs';
import type { SizeRange, SocketType } from '../scenario/types';
import type { UnixAddress, UnixSocket } from '../socket';
import { StepFailure } from './errors';
import type { StepProgress } from './progress';
import {
  decodeEnd,
  decodeFrame,
  END_SEQ,
  endFrame,
  dataFrame,
  HEADER_BYTES,
  senderNumber,
  sizeSequence,
  STREAM_PREFIX_BYTES,
} from './traffic-frame';

export interface SequenceOptions {
  count: number;
  size: SizeRange;
  socketType: SocketType;
}

export interface SenderSummary {
  role: 'sender';
  count: number;
  sent: number;
  bytes: number;
}

export interface ReceiverSummary {
  role: 'receiver';
  count: number;
  received: number;
  lost: number;
  duplicated: number;
  reordered: number;
  corrupt: number;
  /** the first anomalies, described */
  anomalies: string[];
  bytes: number;
  /** valid messages per sender (peer id once its END frame arrived, else its number in hex) */
  senders: Record<string, number>;
}

const MAX_ANOMALIES = 10;
const STREAM_BATCH_BYTES = 64 * 1024;
const STREAM_READ_BYTES = 256 * 1024;
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

export async function sendSequence(
  sock: UnixSocket,
  options: SequenceOptions & { senderId: string; to?: UnixAddress },
  progress: StepProgress,
): Promise<SenderSummary> {
  const sender = senderNumber(options.senderId);
  const nextSize = sizeSequence(sender, Math.max(options.size.min, HEADER_BYTES), Math.max(options.size.max, HEADER_BYTES));
  const stream = options.socketType === 'stream';
  const sendOptions = options.to !== undefined ? { to: options.to } : undefined;
  let sent = 0;
  let bytes = 0;
  progress.waitingFor(() => `the receiver to take message ${sent + 1} of ${options.count}; sent ${sent}`);

  // A full receiver is backpressure the socket layer waits out (macOS's ENOBUFS included).
  const put = async (frame: Buffer): Promise<void> => {
    await sock.send(frame, sendOptions);
  };

  let batch: Buffer[] = [];
  let batchBytes = 0;
  const flushBatch = async (): Promise<void> => {
    if (batch.length === 0) return;
    const data = Buffer.concat(batch);
    batch = [];
    batchBytes = 0;
    await put(data);
  };

  for (let seq = 0; seq < options.count; seq++) {
    const frame = dataFrame(sender, seq, nextSize());
    if (stream) {
      batch.push(prefixed(frame));
      batchBytes += frame.length + STREAM_PREFIX_BYTES;
      if (batchBytes >= STREAM_BATCH_BYTES) await flushBatch();
    } else {
      await put(frame);
    }
    sent++;
    bytes += frame.length;
  }
  const end = endFrame(sender, options.count, options.senderId);
  if (stream) {
    batch.push(prefixed(end));
    await flushBatch();
  } else {
    await put(end);
  }
  return { role: 'sender', count: options.count, sent, bytes };
}

export async function receiveSequence(
  sock: UnixSocket,
  options: SequenceOptions,
  progress: StepProgress,
  reportPartial: (summary: ReceiverSummary) => void,
): Promise<ReceiverSummary> {
  const tally = new Tally(options.count);
  progress.waitingFor(() => `${options.count} sequence messages; got ${tally.unique}`);
  progress.onTimeout(() => {
    const partial = tally.summary();
    reportPartial(partial);
    return new StepFailure(
      'STEP_TIMEOUT',
      `recv waited ${progress.timeoutMs} ms for ${options.count} sequence messages; ${tally.unique} arrived (lost ${partial.lost} so far, ${partial.duplicated} duplicated, ${partial.reordered} reordered, ${partial.corrupt} corrupt)`,
      options.count,
      tally.unique,
    );
  });

  if (options.socketType === 'stream') {
    let pending: Buffer = Buffer.alloc(0);
    while (!tally.complete()) {
      const r = await sock.recv({ maxBytes: STREAM_READ_BYTES });
      closeAll(r.fds);
      if (r.eof) break;
      pending = pending.length === 0 ? r.data : Buffer.concat([pending, r.data]);
      let offset = 0;
      while (pending.length - offset >= STREAM_PREFIX_BYTES) {
        const length = pending.readUInt32LE(offset);
        if (length > MAX_FRAME_BYTES) {
          tally.corruptFrame(`length prefix ${length} is not a frame; stream framing lost, the rest is counted as lost`);
          return tally.summary();
        }
        if (pending.length - offset - STREAM_PREFIX_BYTES < length) break;
        const start = offset + STREAM_PREFIX_BYTES;
        tally.frame(pending.subarray(start, start + length));
        offset = start + length;
      }
      pending = pending.subarray(offset);
    }
  } else {
    const maxBytes = Math.max(options.size.max, HEADER_BYTES) + 64;
    while (!tally.complete()) {
      const r = await sock.recv({ maxBytes });
      closeAll(r.fds);
      if (r.eof) break;
      if (r.truncated) tally.corruptFrame(`message longer than ${maxBytes} bytes`);
      else tally.frame(r.data);
    }
  }
  return tally.summary();
}

class Tally {
  received = 0;
  unique = 0;
  duplicated = 0;
  reordered = 0;
  corrupt = 0;
  bytes = 0;
  private readonly anomalies: string[] = [];
  private readonly seen = new Map<number, Set<number>>();
  private readonly highest = new Map<number, number>();
  private readonly names = new Map<number, string>();
  private announced = 0;

  constructor(private readonly count: number) {}

  /**
   * The senders' END frames announced at least `count` messages: nothing more will come. Waiting
   * for them, not just for `count` messages, keeps a datagram sender's END from meeting a closed
   * receiver (ECONNREFUSED).
   */
  complete(): boolean {
    return this.announced >= this.count;
  }

  frame(frame: Buffer): void {
    const decoded = decodeFrame(frame);
    if (!decoded.ok) {
      this.corruptFrame(decoded.reason);
      return;
    }
    const { sender, seq, payload } = decoded;
    if (seq === END_SEQ) {
      const end = decodeEnd(payload);
      this.names.set(sender, end.id);
      this.announced += end.count;
      return;
    }
    this.received++;
    this.bytes += frame.length;
    const n = Number(seq);
    let seen = this.seen.get(sender);
    if (!seen) this.seen.set(sender, (seen = new Set()));
    if (seen.has(n)) {
      this.duplicated++;
      this.note(`${this.nameOf(sender)} seq ${n}: duplicate`);
      return;
    }
    seen.add(n);
    this.unique++;
    const highest = this.highest.get(sender) ?? -1;
    if (n < highest) {
      this.reordered++;
      this.note(`${this.nameOf(sender)} seq ${n}: arrived after seq ${highest}`);
    } else {
      this.highest.set(sender, n);
    }
  }

  corruptFrame(reason: string): void {
    this.received++;
    this.corrupt++;
    this.note(`message ${this.received}: ${reason}`);
  }

  summary(): ReceiverSummary {
    const senders: Record<string, number> = {};
    for (const [sender, seen] of this.seen) senders[this.nameOf(sender)] = seen.size;
    return {
      role: 'receiver',
      count: this.count,
      received: this.received,
      lost: Math.max(0, this.count - this.unique),
      duplicated: this.duplicated,
      reordered: this.reordered,
      corrupt: this.corrupt,
      anomalies: [...this.anomalies],
      bytes: this.bytes,
      senders,
    };
  }

  private nameOf(sender: number): string {
    return this.names.get(sender) ?? `sender 0x${sender.toString(16).padStart(8, '0')}`;
  }

  private note(anomaly: string): void {
    if (this.anomalies.length < MAX_ANOMALIES) this.anomalies.push(anomaly);
  }
}

function prefixed(frame: Buffer): Buffer {
  const prefix = Buffer.allocUnsafe(STREAM_PREFIX_BYTES);
  prefix.writeUInt32LE(frame.length, 0);
  return Buffer.concat([prefix, frame]);
}

function closeAll(fds: number[]): void {
  // Sequence traffic carries no descriptors; any that arrive would otherwise leak.
  for (const fd of fds) fs.closeSync(fd);
}
