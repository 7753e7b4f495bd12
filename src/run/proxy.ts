// The run's forwarding proxy (scenario `proxy:`): started before the server, stopped once the
// peers are gone (before the run directory is searched for leftover sockets), its events put on
// the run's timeline as peer `proxy`, each naming the peers it carried bytes between.
import { randomInt } from 'node:crypto';

import type { PlannedRun } from '../plan/types';
import { proxyRecord, proxyStartRecord, proxyStoppedRecord, startProxy } from '../proxy';
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
  const onEvent = (event: ProxyEvent) => {
    if (event.ev === 'open' && event.conn !== undefined) {
      const client = clientOf(plan, hub, event);
      if (client !== undefined) clients.set(event.conn, client);
    }
    if (event.ev === 'stopped') return; // the run's own proxy-stopped record follows, with the counters
    const client = clients.get(event.conn ?? 0) ?? 'client';
    const ofConnection = event.ev === 'open' || event.ev === 'close' || event.ev === 'reset';
    hub.observe(proxyRecord(event, { name: (side) => (side === 'server' ? 'server' : client), ...(ofConnection ? { client } : {}) }));
  };
  const proxy = startProxy({ listen: planned.listen, connect: planned.connect, type: planned.type, seed, capture: planned.capture, normalized: { toServer: planned.toServer, toClient: planned.toClient }, onEvent });
  hub.observe(proxyStartRecord(Number(process.hrtime.bigint()), proxy));
  return {
    stop: async () => {
      const stopped = await proxy.stop();
      hub.observe(proxyStoppedRecord(Number(process.hrtime.bigint()), stopped));
      const problems: string[] = [];
      if (stopped.stats.fds.leaked !== 0) problems.push(`the proxy did not close ${stopped.stats.fds.leaked} descriptor(s) it received`);
      if (!stopped.removedListenPath) problems.push(`the proxy's socket ${planned.listen} was not removed`);
      return problems;
    },
  };
}
