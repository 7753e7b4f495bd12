// The proxy's events in their one written form: the run's timeline (peer `proxy`) and the
// `uds-fixture proxy --capture` file hold the same records — `proxy-<kind>`, `via: 'proxy'`,
// `sender`/`receiver` — framed by a `proxy-start` (what the proxy was: paths, type, seed, faults)
// and a `proxy-stopped` (its counters).
import { PROXY_PEER, type PeerEvent } from '../protocol/events';
import type { SocketType } from '../socket/api';
import type { ProxyFaults, ProxyFaultsInput } from '../scenario/types';
import { faultForm } from './fault-form';
import type { ProxyEvent, ProxySide, ProxyStats } from './types';

/** Who the sides of a connection are: a scenario's peer ids; absent, `client` and `server`. */
export interface ProxySides {
  name?: (side: ProxySide) => string;
  /** the client's peer id, on `proxy-open`, `proxy-close` and `proxy-reset` */
  client?: string;
}

/** One event as a record: `from`/`to` become `sender`/`receiver`; a datagram client's own path is `address`. */
export function proxyRecord(event: ProxyEvent, sides: ProxySides = {}): PeerEvent {
  const { t, ev, via: _via, from, to, client: address, ...details } = event;
  const name = sides.name ?? ((side: ProxySide) => side);
  return {
    t,
    peer: PROXY_PEER,
    ev: `proxy-${ev}`,
    via: 'proxy',
    ...(from !== undefined && to !== undefined ? { sender: name(from), receiver: name(to) } : {}),
    ...details,
    ...(address !== undefined ? { address } : {}),
    ...(sides.client !== undefined ? { client: sides.client } : {}),
  };
}

export interface ProxyStartFields {
  listen: string;
  connect: string;
  type: SocketType;
  seed: number;
  /** whether any fault draws on the seed */
  seeded: boolean;
  faults: { toServer: ProxyFaults; toClient: ProxyFaults };
}

/** The first record: where the proxy listens and connects, its socket type, seed and faults (in the form they are written). */
export function proxyStartRecord(t: number, start: ProxyStartFields): PeerEvent {
  const faults: { toServer: ProxyFaultsInput; toClient: ProxyFaultsInput } = { toServer: faultForm(start.faults.toServer), toClient: faultForm(start.faults.toClient) };
  return { t, peer: PROXY_PEER, ev: 'proxy-start', via: 'proxy', listen: start.listen, connect: start.connect, type: start.type, seed: start.seed, seeded: start.seeded, faults };
}

/** The last record: the seed again, and what crossed. */
export function proxyStoppedRecord(t: number, stopped: { seed: number; removedListenPath: boolean; stats: ProxyStats }): PeerEvent {
  return { t, peer: PROXY_PEER, ev: 'proxy-stopped', via: 'proxy', seed: stopped.seed, removedListenPath: stopped.removedListenPath, stats: stopped.stats };
}
