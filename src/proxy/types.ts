// The proxy as users declare it (scenario `proxy:`, the API, the `uds-fixture proxy` command) and
// what it reports. Faults are per direction: `toServer` (client→server) and `toClient`.
import type { DurationInput, SizeInput } from '../scenario/types';

/**
 * Which messages a fault applies to. `true` is every message; otherwise every condition given
 * must hold: `message` (1-based number, or a list, in the direction), `fromByte` (the message starts
 * at or after this byte of the direction), `after` (time since the connection opened), and `rate`
 * (a seeded probability, drawn last).
 */
export type FaultSelectorInput = true | { message?: number | number[]; fromByte?: number; after?: DurationInput; rate?: number };

export interface ProxyFaultsInput {
  /** stream: re-split what crosses into pieces of these sizes (`1`, `1..7`), each read on its own */
  chunk?: SizeInput;
  /** hold each message (or the selected ones) this long; `jitter` adds a seeded 0..jitter */
  delay?: DurationInput | { time: DurationInput; jitter?: DurationInput; when?: FaultSelectorInput };
  /** datagram / seqpacket: the message is not forwarded (its descriptors are closed) */
  drop?: FaultSelectorInput;
  /** datagram / seqpacket: the message is forwarded twice */
  duplicate?: FaultSelectorInput;
  /** datagram / seqpacket: the message goes after the next one (alone after 100 ms of quiet) */
  reorder?: FaultSelectorInput;
  /** flip the byte at these offsets of the direction (xor 0xff) */
  corrupt?: { at: number | number[] };
  /** stream / seqpacket: after this many bytes, close the connection abruptly (see README) */
  reset?: { afterBytes: number };
  /** stop reading for `for` once `after` bytes have crossed, so the sender meets backpressure */
  stall?: { after: number; for: DurationInput };
  /** forward the bytes, close the descriptors that came with them */
  dropFds?: FaultSelectorInput;
  /** forward only the first `keep` (default 0) descriptors of a message */
  truncateFds?: true | { keep?: number; message?: number | number[]; fromByte?: number; after?: DurationInput; rate?: number };
}

export interface ProxyInput {
  /** seed of every probabilistic choice (rate, jitter, chunk sizes); random when absent, always reported */
  seed?: number;
  /** report every forwarded message with a preview (default true in scenarios) */
  capture?: boolean;
  toServer?: ProxyFaultsInput;
  toClient?: ProxyFaultsInput;
}

export type ProxySide = 'client' | 'server';

/** One thing that crossed the proxy or that it did; `via: 'proxy'` tells it from a peer's own event. */
export interface ProxyEvent {
  t: number;
  via: 'proxy';
  ev: 'open' | 'data' | 'eof' | 'close' | 'reset' | 'fault' | 'error' | 'stopped';
  /** the connection (stream/seqpacket) or client address (datagram), numbered from 1 */
  conn?: number;
  /** sender and receiver of a message, eof or fault */
  from?: ProxySide;
  to?: ProxySide;
  /** message number in its direction, from 1 */
  message?: number;
  bytes?: number;
  /** the first bytes, printable ASCII kept and the rest escaped */
  preview?: string;
  fds?: { type: string; dev: number; ino: number }[];
  fault?: string;
  /** byte offset of the fault in its direction */
  offset?: number;
  detail?: string;
  /** errno name, for `error` and `reset` */
  code?: string;
  /** open: who connected to the proxy (the client's credentials) */
  pid?: number;
  uid?: number;
  gid?: number;
  /** datagram open: the client's address, and the path the server sees it as */
  client?: string;
  seenAs?: string;
}

export interface ProxyStats {
  connections: number;
  messages: { toServer: number; toClient: number };
  bytes: { toServer: number; toClient: number };
  fds: { received: number; forwarded: number; closed: number; leaked: number };
  faults: number;
}
