// The event channel, protocol version 1: every message between the harness and a peer, in one file.
//
// A peer writes one JSON object per line to the descriptor in UDS_FIXTURE_EVENTS_FD (always 3).
// The harness merges the lines of all peers into one timeline, ordered by `t`, the system
// monotonic clock in nanoseconds that process.hrtime.bigint() reads (clock_gettime CLOCK_MONOTONIC
// on Linux; on macOS libuv reads mach_continuous_time, which is clock_gettime CLOCK_MONOTONIC_RAW),
// so events of different processes compare directly. A scripted peer dates send and receive events
// at the system call (a send as its sendmsg began, a receive as its recvmsg returned), so a receive
// is always later than the send it took bytes from.
// External programs may write events too.
//
// Each direction has a channel of its own, so neither end ever reads and writes one descriptor:
// - fd 3 (EVENTS_FD), peer → harness: a socket the harness never writes. A write to it never fails
//   because of anything the harness wrote, and the harness reads it to its end even after the
//   peer is gone; its end, the only thing a peer can read there, says the harness is gone.
// - fd 5 (RELAY_FD), harness → scripted peer: every event of every peer, in the order the harness
//   accepted them (that is how `waitFor` learns what another peer did), each line serialized once
//   for all peers. Only scripted peers (dist/peer.cjs) get it, and read it when they need it
//   (src/peer/channel.ts). fd 4 stays the socketpair end of `address: pair`.
// The lines an external program writes on fd 3 are the same as in every earlier release: the
// version stays 1. Before, fd 3 carried the relay too (to scripted peers only).

export const EVENTS_PROTOCOL_VERSION = 1;
export const EVENTS_FD = 3;
/** The relay of every peer's events to a scripted peer; not part of the protocol for programs. */
export const RELAY_FD = 5;

/** The peer id of the forwarding proxy's events (scenario `proxy:`), each marked `via: 'proxy'`. */
export const PROXY_PEER = 'proxy';

/** Environment variables every peer receives. */
export const ENV = {
  eventsFd: 'UDS_FIXTURE_EVENTS_FD',
  protocol: 'UDS_FIXTURE_PROTOCOL',
  peer: 'UDS_FIXTURE_PEER',
  socket: 'UDS_FIXTURE_SOCKET', // the path, `@name` for an abstract address, or empty for a pair
  socketFd: 'UDS_FIXTURE_SOCKET_FD', // the inherited socketpair end, for address: pair
  socketType: 'UDS_FIXTURE_SOCKET_TYPE',
  dir: 'UDS_FIXTURE_DIR',
} as const;

/** Any event. `t` monotonic ns, `peer` the sender's id, `ev` the event name. */
export interface PeerEvent {
  t: number;
  peer: string;
  ev: string;
  /** index of the step that produced it (scripted peers) */
  step?: number;
  [detail: string]: unknown;
}

/** Why a line of the event channel is not an event. */
export type MalformedLine = 'not JSON' | 'not an event object with a string "ev"';

/**
 * The one parser of event lines, for both directions: the JSON object of `line` when it has a
 * string `ev`; why not otherwise; undefined for a blank line. The harness then stamps a line of a
 * peer with who sent it (and `t` when it has none); a scripted peer takes relayed lines, which the
 * harness wrote whole.
 */
export function parseEventLine(line: string): { fields: Record<string, unknown> & { ev: string } } | { malformed: MalformedLine } | undefined {
  if (line.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { malformed: 'not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof (parsed as { ev?: unknown }).ev !== 'string') {
    return { malformed: 'not an event object with a string "ev"' };
  }
  return { fields: parsed as Record<string, unknown> & { ev: string } };
}

/** A whole event as the harness relays it: `t`, `peer` and `ev` present. */
export function isPeerEvent(value: Record<string, unknown>): value is PeerEvent {
  return typeof value.peer === 'string' && typeof value.ev === 'string' && typeof value.t === 'number';
}

/**
 * Event names the scripted peer writes besides one per completed step (named after the step:
 * `listen`, `accept`, `send`, ...):
 * - `start`  {pid, fds: number}  the peer is running; fds is its open-descriptor count
 * - `ready`  the peer is ready (readiness `{ event: ready }`)
 * - `fail`   {code, message, expected?, got?}  a step did not meet its declaration; the peer exits 1
 * - `error`  {code, syscall?, message}  a step failed with the error it declared (expectError)
 * - `traffic` {role: 'sender'|'receiver', ...summary}  bulk traffic summary (sequence pattern):
 *   the receiver's summary is ReceiverSummary in src/traffic/types.ts (received, unique, lost,
 *   duplicated, reordered, corrupt, boundaryViolations, perSender, anomalies, latency, ...);
 *   `partial: true` when the step timed out and the summary covers what arrived until then
 * - `message` {from, seq, bytes, latencyNs}  one per arrival of a small sequence exchange (at most
 *   SMALL_EXCHANGE = 32 messages expected), dated `t` when it arrived; bulk traffic has none
 * - `stopped` {signal, waitingFor?, forMs?}  the harness ended the peer (SIGTERM, at the run's
 *   timeout); `step` and `waitingFor` name the step it was in and what that step waited for
 * - `fds`    {before, after, leaked: number[]}  descriptor accounting at the end of the peer
 * - `done`   all steps completed
 */
export { SCRIPTED_EVENT_NAMES } from '../scenario/types';

/** Stable codes a scripted peer puts in `fail` events; the judge turns them into failures. */
export const FAIL_CODES = [
  'STEP_TIMEOUT', // a step did not complete within its timeout
  'UNEXPECTED_ERROR', // a syscall failed and the step did not declare that error
  'EXPECTED_ERROR_MISSING', // the step declared expectError but succeeded
  'WRONG_ERROR', // the step failed, but with another code than declared
  'RECV_MISMATCH', // received bytes differ from the expected ones
  'PEER_CRED_MISMATCH',
  'FD_MISMATCH', // a received descriptor is not what recvFds expected
  'TRUNCATION_MISMATCH',
  'TRAFFIC_ANOMALY', // loss, duplication, reordering or corruption in sequence traffic
  'FD_LEAK',
  'CAPTURE_UNSET', // a step used ${capture.X} that the step declaring it never set
  'CAPTURE_MISMATCH', // a `waitFor: { capture, value }` whose capture never had the value
  'EVENT_MISMATCH', // a `waitFor: { event: exit, where }` whose programs all ended with exits that do not hold the values
] as const;
export type FailCode = (typeof FAIL_CODES)[number];

/**
 * What the harness hands a scripted peer: `node dist/peer.cjs <path of this JSON>`.
 * Everything is resolved already: paths absolute, `${...}` substituted.
 */
export interface PeerLaunch {
  protocol: typeof EVENTS_PROTOCOL_VERSION;
  /** `server`, `client`, or `client-N` */
  id: string;
  role: 'server' | 'client';
  socket: {
    type: import('../scenario/types').SocketType;
    address: import('../scenario/types').AddressKind;
    /** absolute path for `path`, the name (no leading NUL) for `abstract` */
    path?: string;
    /** inherited descriptor for `pair` */
    fd?: number;
    /** SO_SNDBUF / SO_RCVBUF for every socket the peer makes, accepts or inherits (`socket: { sndbuf, rcvbuf }`) */
    sndbuf?: number;
    rcvbuf?: number;
  };
  /** the run directory */
  dir: string;
  /** declared files: name → absolute path */
  files: Record<string, string>;
  /** for a dgram client that binds: the default path of its own socket */
  ownPath: string;
  /** other peers' own paths (for dgram `send: { to: client-2 }`) */
  peerPaths: Record<string, string>;
  /**
   * For each scripted peer, every address its `bind` steps bind (`@name` for an abstract one):
   * a datagram from one of them is known to come from that peer without waiting for its events.
   * A peer without an entry (a program, a module) is known by the `bind` events it writes.
   */
  peerBinds?: Record<string, string[]>;
  steps: import('../scenario/types').Step[];
  /**
   * The events of this peer that a `waitFor` of some peer counts (`*`: any, when a module peer,
   * which may wait for anything, is in the run). Steps whose events nobody waits for may run in
   * native code and be reported together when they end (src/peer/exchange.ts).
   */
  awaitedEvents?: string[];
  /** absolute path of a module peer (`module:`); its default export runs instead of steps */
  module?: string;
  /** measure open descriptors before/after and report leaks */
  fdAccounting: boolean;
}
