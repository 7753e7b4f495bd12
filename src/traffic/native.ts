// The traffic engine's part of the addon, typed. The addon is loaded by src/socket/binding.ts
// only; this module names the functions native/traffic.cc and native/fd_traffic.cc add to it
// (a count native code cannot represent is a RangeError there, after the checks made here).
import { binding } from '../socket/binding';

export interface NativeTrafficHandle {
  cancel(): void;
  progress(): [messages: number, bytes: number];
}

export interface NativeSendSpec {
  type: number;
  sender: number;
  id: Buffer;
  count: number;
  minSize: number;
  maxSize: number;
  to: Buffer | null;
  inject?: { drop: number[]; dup: number[]; corrupt: number[]; swap: number[] };
}

export interface NativeReceiveSpec {
  type: number;
  count: number;
  maxSize: number;
  /** list this many arrivals one by one (a small exchange), 0 for none */
  listArrivals: number;
  /** more descriptors read in the same run (a server's other connections) */
  more: number[];
}

/** What the worker hands back: the summary fields native code knows, plus errno on failure. */
export interface NativeOutcome {
  role: 'sender' | 'receiver' | 'fd-sender' | 'fd-receiver';
  stopped: string;
  elapsedNs: number;
  error?: { errno: number; syscall: string };
  [field: string]: unknown;
}

export interface NativeFdSendSpec {
  type: number;
  /** the sender's descriptors; the engine sends its own duplicates of them */
  fds: number[];
  data: Buffer;
  repeat: number;
  to: Buffer | null;
}

export interface NativeFdExpect {
  /** decimal strings: device and inode numbers can exceed 2^53 */
  dev?: string;
  ino?: string;
  type?: string;
  mode?: number;
}

export interface NativeFdReceiveSpec {
  type: number;
  repeat: number;
  /** descriptors each message must bring (after truncation) */
  count: number;
  /** control-buffer room in descriptors */
  room: number;
  truncated: boolean;
  /** bytes one message carries: how much a stream read takes per message */
  dataBytes: number;
  /** the exact bytes each message must carry, or null to take any */
  data: Buffer | null;
  expect: NativeFdExpect[];
}

/** What a native exchange (native/exchange.cc) hands back. */
export interface NativeExchangeOutcome extends NativeOutcome {
  stopped: 'complete' | 'mismatch' | 'eof' | 'timeout' | 'error' | 'cancelled' | 'closed';
  /** ops completed; the op at this index stopped the run (unless complete) */
  done: number;
  /** monotonic ns of each completed op: a send when its last sendmsg began, a receive when its last recvmsg returned */
  at: number[];
  /** when the stopped op began */
  opStartNs: number;
  /** the bytes a stopped receive had read */
  partial: Buffer;
  /** the bytes a stopped send had written */
  written: number;
  /** when the stopped op last moved bytes; 0 when it moved none */
  partialAtNs: number;
  /** descriptors that came with received bytes and were closed (a `recv` does not take them) */
  closedFds: number;
}

export interface NativeTraffic {
  exchange(fd: number, spec: { ops: readonly { send: boolean; data: Buffer; timeoutMs: number }[] }, done: (outcome: NativeOutcome) => void): NativeTrafficHandle | number;
  trafficSend(fd: number, spec: NativeSendSpec, done: (outcome: NativeOutcome) => void): NativeTrafficHandle | number;
  trafficReceive(fd: number, spec: NativeReceiveSpec, done: (outcome: NativeOutcome) => void): NativeTrafficHandle | number;
  fdSend(fd: number, spec: NativeFdSendSpec, done: (outcome: NativeOutcome) => void): NativeTrafficHandle | number;
  fdReceive(fd: number, spec: NativeFdReceiveSpec, done: (outcome: NativeOutcome) => void): NativeTrafficHandle | number;
  /** one data frame as the engine builds it, or -errno */
  trafficFrame(sender: number, seq: number, size: number, sentNs: number): Buffer | number;
}

export function trafficBinding(): NativeTraffic {
  return binding() as unknown as NativeTraffic;
}
