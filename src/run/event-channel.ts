import type { Duplex } from 'node:stream';
import type { PeerEvent } from '../protocol/events';
import { monotonicNs } from './clock';

export interface ChannelWarning {
  code: 'EVENT_MALFORMED' | 'EVENT_LINE_TOO_LONG' | 'EVENT_CHANNEL_ERROR';
  message: string;
}

/** A line longer than this without a newline is garbage, not an event; it is dropped. */
const MAX_LINE_CHARS = 1024 * 1024;
const IGNORED_WRITE_ERRORS = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

type Listener = (event: PeerEvent) => void;

interface Channel {
  peer: string;
  socket: Duplex;
  relay: boolean;
  /** a write failed because the peer is gone; nothing more is written, reading goes on */
  writeDead?: boolean;
  /** destroys the socket for good */
  destroy?: () => void;
  /** settles once everything the peer wrote has been read: end-of-file, an error, or close */
  drained: Promise<void>;
}

/**
 * The harness's side of every peer's event channel (fd 3). Parses JSON lines, tolerates garbage
 * (a warning, never a crash), keeps the merged timeline, and relays every event to every scripted
 * peer — a peer that starts later first gets what happened before it, so `waitFor` cannot miss an
 * event that came before the waiting peer existed.
 */
export class EventHub {
  private readonly events: PeerEvent[] = [];
  private readonly channels: Channel[] = [];
  private readonly listeners = new Set<Listener>();
  readonly warnings: ChannelWarning[] = [];

  /** Attaches a peer's channel; `relay` for scripted peers, which read relayed events. */
  attach(peer: string, socket: Duplex, relay: boolean): void {
    const drained = new Promise<void>((resolve) => {
      socket.once('end', resolve);
      socket.once('close', resolve);
      socket.once('error', () => resolve());
    });
    const channel: Channel = { peer, socket, relay, drained };
    this.channels.push(channel);
    let partial = '';
    channel.destroy = keepReadingAfterWriteErrors(socket, () => (channel.writeDead = true));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      if (partial.length > MAX_LINE_CHARS) {
        this.warn('EVENT_LINE_TOO_LONG', `${peer}: dropped ${partial.length} characters on the event channel without a newline`);
        partial = '';
      }
      for (const line of lines) this.receiveLine(peer, line);
    });
    socket.on('end', () => {
      if (partial.trim() !== '') this.receiveLine(peer, partial);
      partial = '';
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!IGNORED_WRITE_ERRORS.has(err.code ?? '')) this.warn('EVENT_CHANNEL_ERROR', `${peer}: event channel failed: ${err.message}`);
    });
    if (relay) for (const event of this.events) this.send(channel, event);
  }

  /** Records an event of the harness itself (peer 'harness'), stamped now. */
  harness(ev: string, detail: Record<string, unknown> = {}): PeerEvent {
    const event: PeerEvent = { ...detail, t: monotonicNs(), peer: 'harness', ev };
    this.accept(event);
    return event;
  }

  /** Records an event the harness saw on another's behalf (the proxy's), stamped by its source; not relayed to peers. */
  observe(event: PeerEvent): void {
    this.events.push(event);
    for (const listener of [...this.listeners]) listener(event);
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The merged timeline, ordered by `t` (stable for equal stamps). */
  timeline(): PeerEvent[] {
    return [...this.events].sort((a, b) => a.t - b.t);
  }

  /**
   * Waits, at most `ms`, until every channel has been read to its end. Once its processes are
   * gone a peer's channel reaches end-of-file at once, but the lines it wrote last (a `stopped`
   * event, written as SIGTERM arrived) may still be unread when its exit is seen: closing first
   * would lose them.
   */
  async drain(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    await Promise.race([Promise.all(this.channels.map((c) => c.drained)), bound]);
    clearTimeout(timer);
  }

  /** Ends every channel; a scripted peer takes the end of its channel as the harness going away. */
  close(): void {
    for (const channel of this.channels) (channel.destroy ?? (() => channel.socket.destroy()))();
    this.listeners.clear();
  }

  private receiveLine(peer: string, line: string): void {
    if (line.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.warn('EVENT_MALFORMED', `${peer}: event channel line is not JSON: ${clip(line)}`);
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || typeof (parsed as { ev?: unknown }).ev !== 'string') {
      this.warn('EVENT_MALFORMED', `${peer}: event channel line is not an event object with a string "ev": ${clip(line)}`);
      return;
    }
    const raw = parsed as Record<string, unknown>;
    // The channel says who sent an event; a program cannot speak for another peer. Events without
    // a usable monotonic stamp get the time the harness read them.
    const t = typeof raw.t === 'number' && Number.isFinite(raw.t) ? raw.t : monotonicNs();
    this.accept({ ...raw, t, peer, ev: raw.ev as string });
  }

  private accept(event: PeerEvent): void {
    this.events.push(event);
    for (const channel of this.channels) if (channel.relay) this.send(channel, event);
    for (const listener of [...this.listeners]) listener(event);
  }

  private send(channel: Channel, event: PeerEvent): void {
    const { socket } = channel;
    if (channel.writeDead || socket.destroyed || !socket.writable) return;
    socket.write(JSON.stringify(event) + '\n');
  }

  private warn(code: ChannelWarning['code'], message: string): void {
    this.warnings.push({ code, message });
  }
}

/**
 * A relayed event can be written just after the peer exited: EPIPE. A stream that fails a write
 * marks its readable side errored too (dropping whatever arrives after) and destroys itself,
 * which would throw away the peer's last events still unread in the kernel — its final steps,
 * its `done`. On a busy harness that happens. So a failed write only marks the writing side dead
 * (`onWriteDead`): the readable side is cleared of that write error and reads on to end-of-file.
 * (Node keeps the error in `_readableState.errored`; there is no public way to keep reading after
 * a write error on a Duplex.) Returns the real destroy, for when the channel is done with.
 */
export function keepReadingAfterWriteErrors(socket: Duplex, onWriteDead: () => void): () => void {
  const destroy = socket.destroy.bind(socket);
  socket.destroy = ((err?: NodeJS.ErrnoException) => {
    // Only a write's error: a read that fails (ECONNRESET once a peer exits with relayed lines
    // unread) comes after everything it sent was read, and ends the channel as end-of-file would.
    if (err && err.syscall !== 'read' && IGNORED_WRITE_ERRORS.has(err.code ?? '') && !socket.readableEnded) {
      onWriteDead();
      const readable = (socket as unknown as { _readableState?: { errored: unknown } })._readableState;
      if (readable && readable.errored === err) readable.errored = null;
      return socket;
    }
    return destroy(err);
  }) as typeof socket.destroy;
  return () => destroy();
}

function clip(line: string): string {
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
