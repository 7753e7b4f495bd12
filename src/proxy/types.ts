// The proxy as users declare it (scenario `proxy:`, the API, the `uds-fixture proxy` command) and
// what it reports. Faults are per direction: `toServer` (client→server) and `toClient`.
export type { FaultSelectorInput, ProxyFaultsInput, ProxyInput } from '../scenario/types';

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
  /** a fault event that stands for several faults (the summary of the unlisted `chunk` re-splits): how many */
  count?: number;
  detail?: string;
  /** errno name, for `error` and `reset` */
  code?: string;
  /**
   * error, when a stream send failed part-way through a message: how many of its `bytes` the
   * receiver's socket took before the failure (`message` names it). Under `chunk` every piece but
   * the last was also read by the receiver; the last may have been unread when it closed.
   */
  delivered?: number;
  /** open: who connected to the proxy (the client's credentials) */
  pid?: number;
  uid?: number;
  gid?: number;
  /** open: the client's process group, read as it connected */
  pgid?: number;
  /** datagram open: the client's address, and the path the server sees it as (a record's `address` and `seenAs`) */
  client?: string;
  seenAs?: string;
}

export interface ProxyStats {
  connections: number;
  messages: { toServer: number; toClient: number };
  bytes: { toServer: number; toClient: number };
  /**
   * of `bytes`, those the kernel handed on without a copy through the proxy (Linux, stream, on
   * reads that carry no descriptor, when neither the capture nor `chunk` or `corrupt` needs them in hand)
   */
  zeroCopyBytes: { toServer: number; toClient: number };
  /** descriptors in all: received, forwarded, closed; and forwarded to each side (only while capturing) */
  fds: { received: number; forwarded: number; closed: number; leaked: number; toServer?: number; toClient?: number };
  /** faults injected: one per fault event, and one per read `chunk` re-split (also those past the listed ones) */
  faults: number;
  /** the faults injected, by name (`chunk`, `drop`, `reset`, …) */
  faultsByName?: Record<string, number>;
}
