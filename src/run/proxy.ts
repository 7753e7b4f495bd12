// The run's forwarding proxy (scenario `proxy:`): started before the server, stopped once the
// peers are gone (before the run directory is searched for leftover sockets), its events put on
// the run's timeline as peer `proxy`, each naming the peers it carried bytes between.
import { randomInt } from 'node:crypto';

import type { PlannedRun } from '../plan/types';
import { PROXY_PEER, type PeerEvent } from '../protocol/events';
import { startProxy } from '../proxy';
import type { ProxyEvent } from '../proxy';
import { processGroupOf } from '../socket';
import type { EventHub } from './event-channel';


export interface RunProxy {
  /** stops it; the problems that belong in the run record (descriptors it leaked, its path kept) */
  stop(): Promise<string[]>;
}

/**
 * Which peer a connection came from: the process group of the client's pid (stream; read by the
 * proxy as it connected, since a short-lived client may be gone by now), or the client's bound
 * path (datagram).
 */
function clientOf(plan: PlannedRun, hub: EventHub, open: ProxyEvent): string | undefined {
  if (open.pid !== undefined && open.pid > 0) {
    const group = open.pgid ?? processGroupOf(open.pid);
    const spawn = hub.timeline().find((e) => e.peer === 'harness' && e.ev === 'spawn' && e.pgid === group);
    if (spawn) return String(spawn.target);
  }
  if (open.client !== undefined) return plan.peers.find((p) => p.ownPath === open.client)?.id;
  return undefined;
}

export function startRunProxy(plan: PlannedRun, hub: EventHub): RunProxy {
  const planned = plan.proxy!;
  const seed = planned.seed ?? randomInt(1, 2 ** 31);
  const clients = new Map<number, string>();
  const side = (event: ProxyEvent, which: 'from' | 'to'): string | undefined => {
    const role = event[which];
    if (role === undefined) return undefined;
    return role === 'server' ? 'server' : (clients.get(event.conn ?? 0) ?? 'client');
  };
  const onEvent = (event: ProxyEvent) => {
    if (event.ev === 'open' && event.conn !== undefined) {
      const client = clientOf(plan, hub, event);
      if (client !== undefined) clients.set(event.conn, client);
    }
    if (event.ev === 'stopped') return;
    const { t, ev, from, to, ...detail } = event;
    const sender = side(event, 'from');
    const receiver = side(event, 'to');
    const record: PeerEvent = {
      ...detail,
      t,
      peer: PROXY_PEER,
      ev: `proxy-${ev}`,
      ...(sender !== undefined ? { sender, receiver } : {}),
      ...(ev === 'open' || ev === 'close' || ev === 'reset' ? { client: clients.get(event.conn ?? 0) ?? 'client' } : {}),
    };
    hub.observe(record);
  };
  const proxy = startProxy({ listen: planned.listen, connect: planned.connect, type: planned.type, seed, capture: planned.capture, normalized: { toServer: planned.toServer, toClient: planned.toClient }, onEvent });
  hub.observe({ t: Number(process.hrtime.bigint()), peer: PROXY_PEER, ev: 'proxy-start', via: 'proxy', seed, listen: planned.listen, connect: planned.connect, seeded: proxy.seeded });
  return {
    stop: async () => {
      const stopped = await proxy.stop();
      hub.observe({ t: Number(process.hrtime.bigint()), peer: PROXY_PEER, ev: 'proxy-stopped', via: 'proxy', seed: stopped.seed, stats: stopped.stats });
      const problems: string[] = [];
      if (stopped.stats.fds.leaked !== 0) problems.push(`the proxy did not close ${stopped.stats.fds.leaked} descriptor(s) it received`);
      if (!stopped.removedListenPath) problems.push(`the proxy's socket ${planned.listen} was not removed`);
      return problems;
    },
  };
}
