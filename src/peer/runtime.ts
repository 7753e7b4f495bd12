// The state one scripted peer carries from step to step: its sockets, the paths it bound, the
// last datagram sender, what it learnt from relayed events; and the one way out of the process,
// which flushes the event channel first so no event is lost.
import fs from 'node:fs';
import type { PeerEvent, PeerLaunch } from '../protocol/events';
import { UnixSocket, type UnixAddress } from '../socket';
import { sameAddress } from './address';
import type { EventChannel } from './channel';
import { EventLog } from './event-log';
import type { StepProgress } from './progress';

/** The socket `send` and `recv` use: an accepted or connected one, or a bound datagram socket. */
export interface Endpoint {
  sock: UnixSocket;
  /** connected (or accepted): sends need no destination */
  connected: boolean;
}

export interface CloseReport {
  unlinked: string[];
  kept: string[];
}

export class PeerRuntime {
  readonly log = new EventLog();
  listener?: UnixSocket;
  current?: Endpoint;
  /** sender of the last datagram received: the default destination of an unconnected reply */
  lastFrom?: UnixAddress;
  /** the step running now, for the `stopped` event */
  running?: StepProgress;
  private readonly sockets = new Set<UnixSocket>();
  private readonly boundPaths = new Set<string>();
  private channel?: EventChannel;
  private exiting = false;

  constructor(readonly launch: PeerLaunch) {}

  attach(channel: EventChannel): void {
    this.channel = channel;
  }

  get isExiting(): boolean {
    return this.exiting;
  }

  /** Writes an event; `at` (monotonic ns) dates one that happened earlier, e.g. in native code. */
  emit(ev: string, details: Record<string, unknown> = {}, step?: number, at?: number): void {
    // The envelope keys come last: a detail can never pass for the sender or the event name.
    const event: PeerEvent = { ...details, t: at ?? Number(process.hrtime.bigint()), peer: this.launch.id, ev };
    if (step !== undefined) event.step = step;
    this.channel?.write(event);
  }

  /** Writes an event at once, synchronously: the process is about to end by a signal. */
  emitNow(ev: string, details: Record<string, unknown> = {}, step?: number): void {
    const event: PeerEvent = { ...details, t: Number(process.hrtime.bigint()), peer: this.launch.id, ev };
    if (step !== undefined) event.step = step;
    this.channel?.writeNow(event);
  }

  /** Remember a socket so that `close`, a failure or the end of the steps closes it. */
  own(sock: UnixSocket): UnixSocket {
    this.sockets.add(sock);
    return sock;
  }

  release(sock: UnixSocket): void {
    this.sockets.delete(sock);
    if (!sock.closed) sock.close();
  }

  recordBound(address: UnixAddress): void {
    if (typeof address === 'string') this.boundPaths.add(address);
  }

  scenarioAddress(): UnixAddress {
    const { socket } = this.launch;
    if (socket.address === 'abstract') return { abstract: socket.path ?? '' };
    return socket.path ?? '';
  }

  /** A peer id names that peer's socket (`server`: the scenario socket); anything else is a path. */
  resolveAddress(target: string): UnixAddress {
    const own = this.launch.peerPaths[target];
    if (own !== undefined) return own;
    return target === 'server' ? this.scenarioAddress() : target;
  }

  /** The peer id whose own path is `address`, for readable events. */
  peerAt(address: UnixAddress | undefined): string | undefined {
    if (address === undefined) return undefined;
    if (sameAddress(address, this.scenarioAddress())) return 'server';
    return Object.entries(this.launch.peerPaths).find(([, p]) => sameAddress(p, address))?.[0];
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
