// What the sequence traffic engine takes and reports. Summaries are plain JSON: the scripted peer
// writes them as its `traffic` event and the judge reads them back from the timeline.
import type { FdType, SizeRange, SocketType } from '../scenario/types';
import type { UnixAddress, UnixSocket } from '../socket';

/**
 * Faults a sender makes on purpose, for tests that prove the receiver catches each kind. Not
 * reachable from scenario files. Sequence numbers are those of data frames.
 */
export interface TrafficInjection {
  /** never sent */
  drop?: number[];
  /** sent twice in a row */
  dup?: number[];
  /** each pair [a, b] (a < b): b is sent just before a */
  swap?: Array<[number, number]>;
  /** one byte flipped after the checksum was computed */
  corrupt?: number[];
}

export interface SendTrafficOptions {
  /** the sender's peer id; its FNV-1a hash is the sender number in every frame */
  senderId: string;
  count: number;
  size: SizeRange;
  /** destination of an unconnected datagram socket */
  to?: UnixAddress;
  inject?: TrafficInjection;
}

export interface ReceiveTrafficOptions {
  /** data frames expected in total, across all senders */
  count: number;
  /** the sizes the senders use; the largest decides the datagram buffer */
  size: SizeRange;
  /**
   * more connections of the same type to read in the same run (a server's other accepted
   * connections): the engine polls them all, each stream with its own frame reassembly, and
   * tallies per sender as for datagrams from several senders
   */
  more?: UnixSocket[];
}

/** Why a run ended: done, the peer ended the stream, cancel(), the socket was closed, a stream lost its framing, or a syscall failed. */
export type TrafficStop = 'complete' | 'eof' | 'cancelled' | 'closed' | 'framing' | 'error';

export interface SenderSummary {
  role: 'sender';
  count: number;
  /** data frames written (injected duplicates included, the END frame not) */
  sent: number;
  bytes: number;
  elapsedNs: number;
  stopped: TrafficStop;
}

export type AnomalyKind = 'duplicate' | 'reordered' | 'corrupt' | 'boundary' | 'framing';

export interface TrafficAnomaly {
  kind: AnomalyKind;
  /** peer id of the sender (from its END frame) or its number `0x…` */
  sender?: string;
  seq?: number;
  /** reordered: the higher sequence number that arrived first */
  after?: number;
  /** 1-based index of the message (stream: of the frame) it was found in */
  message: number;
  bytes?: number;
  expectedBytes?: number;
  /** corrupt: checksum (header check, or a payload that is not its pattern) | short | magic; boundary: truncated; framing: magic | length | eof; reordered: late */
  detail?: string;
  /** the anomaly in words, e.g. `#4713 arrived before #4712` */
  text: string;
}

export interface SenderTally {
  sender: string;
  /** its END frame arrived */
  ended: boolean;
  /** data frames its END frame announced */
  announced: number;
  received: number;
  unique: number;
  lost: number;
  duplicated: number;
  reordered: number;
  bytes: number;
  /** the first sequence numbers that never arrived intact (at most 10) */
  missing: number[];
}

export interface LatencyStats {
  count: number;
  minNs: number;
  meanNs: number;
  /** histogram bucket bounds: within 7 % */
  p50Ns: number;
  p99Ns: number;
  maxNs: number;
}

export interface ReceiverSummary {
  role: 'receiver';
  count: number;
  /** data messages received, corrupt ones included */
  received: number;
  /** distinct sequence numbers that arrived intact */
  unique: number;
  /** expected (count, or more if the senders announced more) minus unique */
  lost: number;
  duplicated: number;
  /** per sender: arrivals below that sender's highest sequence number so far */
  reordered: number;
  /** across senders: arrivals sent (by the monotonic clock) before an earlier arrival */
  reorderedGlobal: number;
  corrupt: number;
  boundaryViolations: number;
  bytes: number;
  elapsedNs: number;
  stopped: TrafficStop;
  /** intact distinct messages per sender id */
  senders: Record<string, number>;
  perSender: SenderTally[];
  /** the first 10 anomalies, in arrival order */
  anomalies: TrafficAnomaly[];
  latency?: LatencyStats;
  /** every intact arrival, in order, when at most SMALL_EXCHANGE messages were expected (the engine lists them on request) */
  arrivals?: TrafficArrival[];
  /**
   * On a stream, per connection (the first socket, then `more`): bytes the engine's last read took
   * after the run's last frame — whatever the other side sent after the traffic. They are not
   * traffic; they belong to the next reader of that connection.
   */
  readPast?: Buffer[];
}

/** A small exchange (at most this many messages) lists each arrival; bulk traffic only its summary. */
export const SMALL_EXCHANGE = 32;

/** One message of a small exchange, as it arrived. Times are monotonic ns, comparable across peers. */
export interface TrafficArrival {
  sender: string;
  seq: number;
  bytes: number;
  sentNs: number;
  receivedNs: number;
}

export interface TrafficProgress {
  messages: number;
  bytes: number;
}

/** A running engine. `result` settles once; `cancel()` stops it within about 20 ms. */
export interface TrafficRun<S> {
  readonly result: Promise<S>;
  cancel(): void;
  /** messages and bytes so far, readable at any time (e.g. when a step times out) */
  progress(): TrafficProgress;
}

export interface SendDescriptorsOptions {
  /** descriptors to send with every message (the engine sends its own duplicates; the caller keeps and closes these) */
  fds: number[];
  /** the bytes that carry them: at least one, as SCM_RIGHTS needs */
  data: Buffer;
  /** how many messages, each with `data` and every descriptor of `fds` */
  repeat: number;
  /** destination of an unconnected datagram socket */
  to?: UnixAddress;
}

/** What each received descriptor at one position must be; every key optional. */
export interface DescriptorExpectation {
  /** the same open file (device + inode) as this one; `name` is how messages call it */
  sameFile?: { name: string; dev: string; ino: string };
  type?: FdType;
  /** permission bits */
  mode?: number;
}

export interface ReceiveDescriptorsOptions {
  /** descriptors each message brings */
  count: number;
  /** control-buffer room in descriptors (default `count`); less provokes MSG_CTRUNC */
  room?: number;
  /** whether every message must arrive with its control data truncated (default: when room < count) */
  truncated?: boolean;
  repeat: number;
  /** the exact bytes each message must carry; without it any bytes are taken */
  data?: Buffer;
  /** bytes one message carries, when `data` is not given (default 1): how much a stream read takes */
  dataBytes?: number;
  /** per position, in order (at most `count`) */
  expect: DescriptorExpectation[];
}

export interface FdSenderSummary {
  role: 'fd-sender';
  repeat: number;
  /** messages sent */
  sent: number;
  /** descriptors in each message */
  descriptors: number;
  bytes: number;
  elapsedNs: number;
  stopped: TrafficStop;
}

export type FdMismatchKind = 'count' | 'data' | 'type' | 'mode' | 'file' | 'stat' | 'truncation';

export interface FdMismatch {
  /** 1-based number of the message */
  message: number;
  kind: FdMismatchKind;
  /** 1-based position of the descriptor in the message */
  descriptor?: number;
  /** count: descriptors; mode: permission bits */
  expected?: number;
  got?: number;
  expectedDev?: string;
  expectedIno?: string;
  gotDev?: string;
  gotIno?: string;
  expectedType?: string;
  gotType?: string;
  /** data: what arrived (hex when not printable), and its length */
  gotData?: string;
  gotBytes?: number;
  /** truncation: whether MSG_CTRUNC was set */
  truncated?: boolean;
  /** stat: fstat's errno code */
  errno?: string;
  /** the mismatch in words: `message #4711: descriptor 1 is not the file \`log\` (…)` */
  text: string;
}

export interface FdReceiverSummary {
  role: 'fd-receiver';
  repeat: number;
  /** messages received */
  received: number;
  /** messages whose descriptors (or data) were not as expected */
  mismatched: number;
  /** messages that arrived with MSG_CTRUNC */
  truncatedCount: number;
  /** messages whose MSG_CTRUNC was not as expected */
  truncationMismatches: number;
  /** descriptors received (and closed) in all */
  descriptors: number;
  bytes: number;
  /** the first 10 mismatches in arrival order (and the first truncation mismatch, always) */
  firstMismatches: FdMismatch[];
  elapsedNs: number;
  stopped: TrafficStop;
}

export type { SocketType };
