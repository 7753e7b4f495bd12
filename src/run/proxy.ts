// The run's forwarding proxy (scenario `proxy:`): started before the server, stopped once the
// peers are gone (before the run directory is searched for leftover sockets), its events put on
// the run's timeline as peer `proxy`, each naming the peers it carried bytes between.
import { randomInt } from 'node:crypto';

import type { PlannedRun } from '../plan/types';
import type { PeerEvent } from '../protocol/events';
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
 * proxy as it connected, since a short-lived client may be gone by now), the scripted peer that
 * announced that pid in its `start`, or the client's bound path (datagram).
 */
function clientOf(plan: PlannedRun, hub: EventHub, open: ProxyEvent): string | undefined {
  if (open.pid !== undefined && open.pid > 0) {
    const group = open.pgid ?? processGroupOf(open.pid);
    const timeline = hub.timeline();
    const spawn = timeline.find((e) => e.peer === 'harness' && e.ev === 'spawn' && e.pgid === group);
    if (spawn) return String(spawn.target);
    const start = timeline.find((e) => e.ev === 'start' && e.pid === open.pid);
    if (start) return start.peer;
  }
  if (open.client !== undefined) return plan.peers.find((p) => p.ownPath === open.client)?.id;
  return undefined;
}

/** The name a record gives a connection's client while it is not known yet. */
const UNKNOWN_CLIENT = 'client';

export function startRunProxy(plan: PlannedRun, hub: EventHub): RunProxy {
  const planned = plan.proxy!;
  const seed = planned.seed ?? randomInt(1, 2 ** 31);
  const clients = new Map<number, string>();
  /**
   * Connections whose client was not known when they opened, with their records so far. A client
   * that connected, sent and was gone before the proxy's accept ran (a loaded machine) has no
   * process group left, and its `start` may not have been read yet: such records are named again
   * when the connection's next event comes and, at the latest, when the proxy stops.
   */
  const unnamed = new Map<number, { open: ProxyEvent; records: PeerEvent[] }>();
  const rename = (conn: number): void => {
    const pending = unnamed.get(conn);
    if (!pending) return;
    const client = clientOf(plan, hub, pending.open);
    if (client === undefined) return;
    clients.set(conn, client);
    unnamed.delete(conn);
    for (const record of pending.records) for (const key of ['client', 'sender', 'receiver'] as const) if (record[key] === UNKNOWN_CLIENT) record[key] = client;
  };
  const onEvent = (event: ProxyEvent) => {
    const conn = event.conn;
    if (event.ev === 'open' && conn !== undefined) {
      const client = clientOf(plan, hub, event);
      if (client !== undefined) clients.set(conn, client);
      else unnamed.set(conn, { open: event, records: [] });
    } else if (conn !== undefined) rename(conn);
    if (event.ev === 'stopped') return; // the run's own proxy-stopped record follows, with the counters
    const client = clients.get(conn ?? 0) ?? UNKNOWN_CLIENT;
    const ofConnection = event.ev === 'open' || event.ev === 'close' || event.ev === 'reset';
    const record = proxyRecord(event, { name: (side) => (side === 'server' ? 'server' : client), ...(ofConnection ? { client } : {}) });
    if (conn !== undefined) unnamed.get(conn)?.records.push(record);
    hub.observe(record);
  };
  const proxy = startProxy({ listen: planned.listen, connect: planned.connect, type: planned.type, seed, capture: planned.capture, normalized: { toServer: planned.toServer, toClient: planned.toClient }, onEvent });
  hub.observe(proxyStartRecord(Number(process.hrtime.bigint()), proxy));
  return {
    stop: async () => {
      const stopped = await proxy.stop();
      for (const conn of [...unnamed.keys()]) rename(conn);
      hub.observe(proxyStoppedRecord(Number(process.hrtime.bigint()), stopped));
      const problems: string[] = [];
      if (stopped.stats.fds.leaked !== 0) problems.push(`the proxy did not close ${stopped.stats.fds.leaked} descriptor(s) it received`);
      if (!stopped.removedListenPath) problems.push(`the proxy's socket ${planned.listen} was not removed`);
      return problems;
    },
  };
}
