// The traffic engine's part of the addon, typed. The addon is loaded by src/socket/binding.ts
// only; this module names the functions native/traffic.cc adds to it.
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
}

/** What the worker hands back: the summary fields native code knows, plus errno on failure. */
export interface NativeOutcome {
  role: 'sender' | 'receiver';
  stopped: string;
  elapsedNs: number;
  error?: { errno: number; syscall: string };
  [field: string]: unknown;
}

export interface NativeTraffic {
  trafficSend(fd: number, spec: NativeSendSpec, done: (outcome: NativeOutcome) => void): NativeTrafficHandle | number;
  trafficReceive(fd: number, spec: NativeReceiveSpec, done: (outcome: NativeOutcome) => void): NativeTrafficHandle | number;
  /** one data frame as the engine builds it, or -errno */
  trafficFrame(sender: number, seq: number, size: number, sentNs: number): Buffer | number;
  trafficConstants: { HEADER_BYTES: number; MAX_FRAME_BYTES: number };
}

export function trafficBinding(): NativeTraffic {
  return binding() as unknown as NativeTraffic;
}
