// The state one scripted peer carries from step to step: its sockets, the connections it
// accepted, the paths it bound, the last datagram sender, what it learnt from relayed events; and
// the one way out of the process, which flushes the event channel first so no event is lost.
import fs from 'node:fs';
import type { PeerEvent, PeerLaunch } from '../protocol/events';
import type { UnixAddress, UnixSocket } from '../socket';
import { parseAddress, sameAddress } from './address';
import type { EventChannel } from './channel';
import { EventLog } from './event-log';
import type { StepProgress } from './progress';
import { peerWaitBudget } from './wait-budget';

/** The socket `send` and `recv` use: an accepted or connected one, or a bound datagram socket. */
export interface Endpoint {
  sock: UnixSocket;
  /** connected (or accepted): sends need no destination */
  connected: boolean;
  /** the address `bind` gave it, for a `listen` that follows a `bind` */
  bound?: UnixAddress;
}

/** A connection the server accepted; it stays open until `close` (with its `on`, or all). */
export interface Connection extends Endpoint {
  /** `accept: { as }` */
  name?: string;
  /** 1-based, in the order the server accepted them */
  number: number;
  /** the pid the kernel reports for the other end (SO_PEERCRED), -1 when unknown */
  pid: number;
}

/**
 * An event: the details (all but `skip`), then the envelope, whose keys come last so that a detail
 * can never pass for the sender or the event name. Copied key by key: an object spread of details
 * of many shapes takes V8's slow path, several microseconds per event.
 */
function envelope(details: Record<string, unknown>, skip: string | undefined, t: number, peer: string, ev: string, step: number | undefined): PeerEvent {
  const event: Record<string, unknown> = {};
  for (const key in details) if (key !== skip && Object.hasOwn(details, key)) event[key] = details[key];
  event.t = t;
  event.peer = peer;
  event.ev = ev;
  if (step !== undefined) event.step = step;
  return event as PeerEvent;
}

export interface CloseReport {
  unlinked: string[];
  kept: string[];
}

export class PeerRuntime {
  readonly log = new EventLog();
  listener?: UnixSocket;
  /** what a step without `on` uses: the most recent connection, connected or bound socket */
  current?: Endpoint;
  /** accepted connections still open, oldest first */
  readonly accepted: Connection[] = [];
  /** sender of the last datagram received: the default destination of an unconnected reply */
  lastFrom?: UnixAddress;
  /** the step running now, for the `stopped` event */
  running?: StepProgress;
  /** steps running in native code now: a stop ends them and reports what they did first */
  native?: { settle(): Promise<void> };
  /** how many steps completed in native code (reported with `done`) */
  nativeSteps = 0;
  /** values this peer's `recv` steps captured (`${capture.NAME}`) */
  readonly captures = new Map<string, string>();
  private readonly sockets = new Set<UnixSocket>();
  private readonly boundPaths = new Set<string>();
  private channel?: EventChannel;
  private exiting = false;

  private readonly waitBudgetUs = peerWaitBudget();

  constructor(readonly launch: PeerLaunch) {}

  attach(channel: EventChannel): void {
    this.channel = channel;
    this.log.readFrom(channel);
  }

  get isExiting(): boolean {
    return this.exiting;
  }

  /** Writes an event; `at` (monotonic ns) dates one that happened earlier, e.g. in native code. */
  emit(ev: string, details: Record<string, unknown> = {}, step?: number, at?: number): void {
    this.channel?.write(envelope(details, undefined, at ?? Number(process.hrtime.bigint()), this.launch.id, ev, step));
  }

  /**
   * A completed step's event: dated by its `atNs` detail when the step knows when its system call
   * ran (send, recv, sendFds, recvFds), which is not written as a detail of its own.
   */
  emitStep(ev: string, details: Record<string, unknown>, step: number): void {
    const atNs = details.atNs;
    const at = typeof atNs === 'number' && atNs > 0 ? atNs : Number(process.hrtime.bigint());
    this.channel?.write(envelope(details, 'atNs', at, this.launch.id, ev, step));
  }

  /** Resolves once every event written so far is in the kernel. */
  async flush(): Promise<void> {
    await this.channel?.flush();
  }

  /** Writes an event at once, synchronously: the process is about to end by a signal. */
  emitNow(ev: string, details: Record<string, unknown> = {}, step?: number): void {
    const event: PeerEvent = { ...details, t: Number(process.hrtime.bigint()), peer: this.launch.id, ev };
    if (step !== undefined) event.step = step;
    this.channel?.writeNow(event);
  }

  /**
   * Whether the harness has announced that it stops this peer with SIGTERM: it writes that on every
   * relay before it signals any peer, so a failure caused by another peer's stop always finds it.
   */
  stopAnnounced(): boolean {
    const id = this.launch.id;
    return this.log.allQueued().some((e) => e.peer === 'harness' && (e.ev === 'kill' || e.ev === 'stop') && e.target === id && e.signal === 'SIGTERM');
  }

  /**
   * Remember a socket so that `close`, a failure or the end of the steps closes it; its
   * operations may wait briefly in poll(2) before the event loop (src/peer/wait-budget.ts).
   */
  own(sock: UnixSocket): UnixSocket {
    this.sockets.add(sock);
    return sock.waitBudget(this.waitBudgetUs);
  }

  release(sock: UnixSocket): void {
    this.sockets.delete(sock);
    if (!sock.closed) sock.close();
  }

  recordBound(address: UnixAddress): void {
    if (typeof address === 'string') this.boundPaths.add(address);
  }

  /** A newly accepted connection becomes the current one; the earlier ones stay open. */
  addConnection(connection: Omit<Connection, 'number'>): Connection {
    const numbered = { ...connection, number: (this.accepted.at(-1)?.number ?? 0) + 1 };
    this.accepted.push(numbered);
    this.current = numbered;
    return numbered;
  }

  /** Closes one accepted connection; the most recent one left becomes current if it was. */
  closeConnection(connection: Connection): void {
    const at = this.accepted.indexOf(connection);
    if (at >= 0) this.accepted.splice(at, 1);
    this.release(connection.sock);
    if (this.current === connection) this.current = this.accepted.at(-1);
  }

  scenarioAddress(): UnixAddress {
    const { socket } = this.launch;
    if (socket.address === 'abstract') return { abstract: socket.path ?? '' };
    return socket.path ?? '';
  }

  /**
   * A peer id names that peer's socket (`server`: the scenario socket); `@name` is an abstract
   * address; anything else is a path (the plan made it absolute).
   */
  resolveAddress(target: string): UnixAddress {
    const own = this.launch.peerPaths[target];
    if (own !== undefined) return own;
    return target === 'server' ? this.scenarioAddress() : parseAddress(target);
  }

  /**
   * Every address `peerId` is known by: its own path, the paths its `bind` steps bind (planned, so
   * known before its events arrive), the server's scenario address, and the paths in the `bind`
   * events it wrote (a program or a module announces what it bound that way).
   */
  addressesOf(peerId: string): UnixAddress[] {
    const known: UnixAddress[] = [];
    const own = this.launch.peerPaths[peerId];
    if (own !== undefined) known.push(own);
    if (peerId === 'server') known.push(this.scenarioAddress());
    for (const text of this.launch.peerBinds?.[peerId] ?? []) known.push(parseAddress(text));
    for (const e of this.log.all()) {
      if (e.peer !== peerId || e.ev !== 'bind') continue;
      const text = typeof e.path === 'string' ? e.path : typeof e.address === 'string' ? e.address : undefined;
      if (text !== undefined) known.push(parseAddress(text));
    }
    return known;
  }

  /** Whether every address of `peerId` is known from the plan (a scripted peer's `bind` steps). */
  bindsArePlanned(peerId: string): boolean {
    return this.launch.peerBinds?.[peerId] !== undefined;
  }

  /** The peer id known by `address`, for readable events and `recv.from`. */
  peerAt(address: UnixAddress | undefined): string | undefined {
    if (address === undefined) return undefined;
    if (sameAddress(address, this.scenarioAddress())) return 'server';
    const ids = Object.keys(this.launch.peerPaths);
    return ids.find((id) => this.addressesOf(id).some((a) => sameAddress(a, address)));
  }

  /** "the server" or "the client": who the other end is, for messages. */
  remoteName(): string {
    return this.launch.role === 'client' ? 'the server' : 'the client';
  }

  /** Close every socket; unlink the paths this peer bound, or keep them (a stale-file test). */
  closeAll(unlink: boolean): CloseReport {
    for (const sock of this.sockets) if (!sock.closed) sock.close();
    this.sockets.clear();
    this.listener = undefined;
    this.current = undefined;
    this.accepted.length = 0;
    const report: CloseReport = { unlinked: [], kept: [] };
    for (const p of this.boundPaths) {
      if (!unlink) {
        report.kept.push(p);
        continue;
      }
      try {
        fs.unlinkSync(p);
        report.unlinked.push(p);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    this.boundPaths.clear();
    return report;
  }

  /** Leave the process once every event is written. Nothing runs after this. */
  async exit(code: number): Promise<never> {
    this.exiting = true;
    await this.channel?.flush();
    process.exit(code);
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    this.exiting = true;
    await this.channel?.flush();
    process.kill(process.pid, signal);
  }
}
