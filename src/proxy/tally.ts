// Counters the native engine does not keep, read from the proxy's own events as they come: the
// descriptors forwarded in each direction (from the `data` events, so only while capturing) and
// the faults injected, by name.
import type { ProxyEvent, ProxyStats } from './types';

export class ProxyTally {
  private readonly fds = { toServer: 0, toClient: 0 };
  private readonly faults: Record<string, number> = {};

  constructor(private readonly capturing: boolean) {}

  add(event: ProxyEvent): void {
    if (event.ev === 'data' && event.fds?.length) this.fds[event.to === 'server' ? 'toServer' : 'toClient'] += event.fds.length;
    else if (event.ev === 'fault' && event.fault !== undefined) this.faults[event.fault] = (this.faults[event.fault] ?? 0) + (event.count ?? 1);
  }

  /** The engine's counters with these added. */
  complete(stats: ProxyStats): ProxyStats {
    return { ...stats, fds: { ...stats.fds, ...(this.capturing ? this.fds : {}) }, faultsByName: { ...this.faults } };
  }
}
