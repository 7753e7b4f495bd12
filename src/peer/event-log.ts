// What the peer has learnt about every peer of the run (itself included) from relayed events:
// `waitFor` counts events, `expectPeer: { pid: <peer> }` looks up who a peer is, and step
// timeouts ask since when a peer has been running.
import type { PeerEvent } from '../protocol/events';
import type { RelaySource } from './channel';
import { peerMatches } from '../protocol/peer-names';

export { peerMatches };

/**
 * Who a peer is, as far as credentials can tell: a scripted peer is the one process that
 * announced its pid in `start`; a `run:` program is any process of the group the harness
 * started it in (the program, or a child of a wrapper script), as the `spawn` event says.
 */
export type PeerIdentity = { kind: 'process'; pid: number } | { kind: 'group'; pgid: number };

export class EventLog {
  private readonly events: PeerEvent[] = [];
  private readonly watchers = new Set<() => void>();
  private source?: RelaySource;
  /**
   * Who a peer is and since when it runs, once known: fixed from then on (its `spawn` comes before
   * anything it writes, and later events cannot come before the first that answered). Every step
   * asks both (its timeout, the peer at the other end for its event); kept, they cost a step no
   * look at the relay and no walk over the whole log.
   */
  private readonly identities = new Map<string, PeerIdentity>();
  private readonly since = new Map<string, number>();

  /**
   * Where relayed events come from. Every look at the log first takes in what the relay holds,
   * and while anything watches the log the relay is followed as lines arrive.
   */
  readFrom(source: RelaySource): void {
    this.source = source;
    source.follow(this.watchers.size > 0);
  }

  /** every event so far, in arrival order */
  all(): readonly PeerEvent[] {
    this.source?.refresh();
    return this.events;
  }

  /** every event so far, also those a read of the relay that waits has not taken in yet */
  allQueued(): readonly PeerEvent[] {
    this.source?.refresh(true);
    return this.all();
  }

  add(event: PeerEvent): void {
    this.events.push(event);
    for (const watcher of [...this.watchers]) watcher();
  }

  /** Calls `watcher` after every event from now on, until the returned function is called. */
  watch(watcher: () => void): () => void {
    this.addWatcher(watcher);
    return () => this.removeWatcher(watcher);
  }

  /**
   * How many `event` events `peer` wrote. `client` (or `clients`) also counts the members of a
   * `clients:` group (client-1..client-N), so one waitFor can wait for the whole group.
   */
  count(peer: string, event: string): number {
    return this.eventsOf(peer, event).length;
  }

  /**
   * The `event` events of `peer` (a group name counts its members, as in `count`). A `run:` program
   * writes no events of its own unless it chooses to: for it, the harness's `exit` and `ready`
   * about it stand in, so `waitFor: { peer: client, event: exit }` waits until the program ended.
   */
  eventsOf(peer: string, event: string): PeerEvent[] {
    return this.all().filter((e) => {
      if (e.ev !== event) return false;
      if (peerMatches(peer, e.peer)) return true;
      return e.peer === 'harness' && STANDS_IN_FOR_PROGRAMS.has(event) && typeof e.target === 'string' && peerMatches(peer, e.target) && this.spawnOf(e.target)?.program === 'run';
    });
  }

  /**
   * Whether `peer`'s `exit` events are all in: every `run:` program the name stands for (a group
   * name, its members) was spawned and has ended. A program ends once, so no later `exit` can come.
   * Only programs: a scripted peer's own events may still be on their way when its end is known.
   */
  allProgramsEnded(peer: string): boolean {
    const programs = this.all().filter((e) => e.peer === 'harness' && e.ev === 'spawn' && e.program === 'run' && typeof e.target === 'string' && peerMatches(peer, e.target));
    if (programs.length === 0) return false;
    return programs.every((spawn) => this.events.some((e) => e.peer === 'harness' && e.ev === 'exit' && e.target === spawn.target));
  }

  /** The pid a peer announced in its `start` event. */
  pidOf(peer: string): number | undefined {
    const start = this.all().find((e) => e.ev === 'start' && e.peer === peer);
    return typeof start?.pid === 'number' ? start.pid : undefined;
  }

  /** Who `peer` is (see PeerIdentity); undefined until its `start` (scripted) or `spawn` (program). */
  identityOf(peer: string): PeerIdentity | undefined {
    const known = this.identities.get(peer);
    if (known !== undefined) return known;
    const spawn = this.spawnOf(peer);
    let identity: PeerIdentity | undefined;
    if (spawn?.program === 'run' && typeof spawn.pgid === 'number') identity = { kind: 'group', pgid: spawn.pgid };
    else {
      const pid = this.pidOf(peer);
      identity = pid === undefined ? undefined : { kind: 'process', pid };
    }
    if (identity !== undefined && spawn !== undefined) this.identities.set(peer, identity);
    return identity;
  }

  /**
   * Since when (monotonic ns) `peer` has been running: its `start` event for a scripted peer, the
   * harness's `spawn` for a `run:` program (which announces nothing), or the moment it ended or
   * failed to spawn if it never started. Undefined while it has not got that far.
   */
  runningSince(peer: string): number | undefined {
    const known = this.since.get(peer);
    if (known !== undefined) return known;
    const spawn = this.spawnOf(peer);
    const at =
      spawn?.program === 'run'
        ? spawn.t
        : this.all().find((e) => (e.ev === 'start' && e.peer === peer) || (e.peer === 'harness' && (e.ev === 'exit' || e.ev === 'spawn-error') && e.target === peer))?.t;
    if (at !== undefined && spawn !== undefined) this.since.set(peer, at);
    return at;
  }

  /** Resolves once `ready()` holds; re-checked on every relayed event. */
  until<T>(ready: () => T | undefined): Promise<T> {
    const now = ready();
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve) => {
      const watcher = (): void => {
        const value = ready();
        if (value === undefined) return;
        this.removeWatcher(watcher);
        resolve(value);
      };
      this.addWatcher(watcher);
    });
  }

  private addWatcher(watcher: () => void): void {
    this.watchers.add(watcher);
    if (this.watchers.size === 1) this.source?.follow(true);
  }

  private removeWatcher(watcher: () => void): void {
    if (this.watchers.delete(watcher) && this.watchers.size === 0) this.source?.follow(false);
  }

  private spawnOf(peer: string): PeerEvent | undefined {
    return this.all().find((e) => e.ev === 'spawn' && e.peer === 'harness' && e.target === peer);
  }
}

/** the harness's events about a `run:` program that count as the program's own (see eventsOf) */
const STANDS_IN_FOR_PROGRAMS = new Set(['exit', 'ready']);

