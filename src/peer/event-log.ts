// What the peer has learnt about every peer of the run (itself included) from relayed events:
// `waitFor` counts events, `expectPeer: { pid: <peer> }` looks up a peer's `start` pid.
import type { PeerEvent } from '../protocol/events';

export class EventLog {
  private readonly events: PeerEvent[] = [];
  private readonly watchers = new Set<() => void>();

  /** every event so far, in arrival order */
  all(): readonly PeerEvent[] {
    return this.events;
  }

  add(event: PeerEvent): void {
    this.events.push(event);
    for (const watcher of [...this.watchers]) watcher();
  }

  /**
   * How many `event` events `peer` wrote. `client` (or `clients`) also counts the members of a
   * `clients:` group (client-1..client-N), so one waitFor can wait for the whole group.
   */
  count(peer: string, event: string): number {
    return this.events.filter((e) => e.ev === event && peerMatches(peer, e.peer)).length;
  }

  /** The pid a peer announced in its `start` event. */
  pidOf(peer: string): number | undefined {
    const start = this.events.find((e) => e.ev === 'start' && e.peer === peer);
    return typeof start?.pid === 'number' ? start.pid : undefined;
  }

  /** Resolves once `ready()` holds; re-checked on every relayed event. */
  until<T>(ready: () => T | undefined): Promise<T> {
    const now = ready();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const watcher = (): void => {
        const value = ready();
        if (value === undefined) return;
        this.watchers.delete(watcher);
        resolve(value);
      };
      this.watchers.add(watcher);
    });
  }
}

function peerMatches(wanted: string, actual: string): boolean {
  if (wanted === actual) return true;
  return (wanted === 'client' || wanted === 'clients') && /^client-\d+$/.test(actual);
}
