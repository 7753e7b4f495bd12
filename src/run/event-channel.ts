import type { Readable, Writable } from 'node:stream';
import { parseEventLine, type PeerEvent } from '../protocol/events';
import { monotonicNs } from './clock';

export interface ChannelWarning {
  code: 'EVENT_MALFORMED' | 'EVENT_LINE_TOO_LONG' | 'EVENT_CHANNEL_ERROR';
  message: string;
}

/** A line longer than this without a newline is garbage, not an event; it is dropped. */
const MAX_LINE_CHARS = 1024 * 1024;
/** How a channel to or from a peer that is gone fails: expected, not worth a warning. */
const PEER_GONE_ERRORS = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

type Listener = (event: PeerEvent) => void;

interface Channel {
  peer: string;
  /** fd 3 of the peer: its event lines, only ever read here */
  events: Readable;
  /** fd 5 of a scripted peer: relayed events, only ever written here */
  relay?: Writable;
  /** settles once everything the peer wrote has been read: end-of-file, an error, or close */
  drained: Promise<void>;
}

/**
 * The harness's side of every peer's event channel. Parses the JSON lines a peer writes on fd 3,
 * tolerates garbage (a warning, never a crash), keeps the merged timeline, and relays every
 * event to every scripted peer on a channel of its own (fd 5) — a peer that starts later first
 * gets what happened before it, so `waitFor` cannot miss an event that came before the waiting
 * peer existed. The two directions never share a descriptor, so a relay write that fails because
 * the peer is gone cannot disturb the reading of what that peer wrote last.
 */
export class EventHub {
  private readonly events: PeerEvent[] = [];
  /** each accepted event as the line relayed for it: serialized once, for every peer */
  private readonly lines: string[] = [];
  /** how many of `lines` went to the relays; the rest go together once the current job is done */
  private relayed = 0;
  private readonly channels: Channel[] = [];
  private readonly listeners = new Set<Listener>();
  readonly warnings: ChannelWarning[] = [];

  /** Attaches a peer's channels; `relay` for scripted peers, which read relayed events. */
  attach(peer: string, events: Readable, relay?: Writable): void {
    const drained = new Promise<void>((resolve) => {
      events.once('end', resolve);
      events.once('close', resolve);
      events.once('error', () => resolve());
    });
    const channel: Channel = { peer, events, relay, drained };
    this.channels.push(channel);
    let partial = '';
    events.setEncoding('utf8');
    events.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      if (partial.length > MAX_LINE_CHARS) {
        this.warn('EVENT_LINE_TOO_LONG', `${peer}: dropped ${partial.length} characters on the event channel without a newline`);
        partial = '';
      }
      for (const line of lines) this.receiveLine(peer, line);
    });
    events.on('end', () => {
      if (partial.trim() !== '') this.receiveLine(peer, partial);
      partial = '';
    });
    events.on('error', (err: NodeJS.ErrnoException) => this.channelError(peer, err));
    if (relay) {
      // A write to a peer that is gone fails (EPIPE) and ends the relay only; nothing is read there.
      relay.on('error', (err: NodeJS.ErrnoException) => this.channelError(peer, err));
      // What the others already got; what is still pending goes to every relay, this one included.
      if (this.relayed > 0) this.send(channel, this.lines.slice(0, this.relayed).join(''));
    }
  }

  /** Records an event of the harness itself (peer 'harness'), stamped now or at `at` (monotonic ns). */
  harness(ev: string, detail: Record<string, unknown> = {}, at: number = monotonicNs()): PeerEvent {
    const event: PeerEvent = { ...detail, t: at, peer: 'harness', ev };
    this.accept(event);
    return event;
  }

  /**
   * Hands every event accepted so far to every relay at once (not after the current job), and
   * resolves once no relay holds anything unwritten: all of it is then in the kernel, where the
   * peer's next look at its relay finds it. A relay whose peer has left it unread long enough to
   * fill it (about 90 KB) is waited for at most `ms`.
   */
  async relayNow(ms: number): Promise<void> {
    this.relayPending();
    const behind = this.channels.map((c) => c.relay).filter((r): r is Writable => r !== undefined && !r.destroyed && r.writable && r.writableLength > 0);
    if (behind.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    const drained = behind.map((r) => new Promise<void>((resolve) => (r.once('drain', resolve), r.once('close', resolve))));
    await Promise.race([Promise.all(drained), bound]);
    clearTimeout(timer);
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
   * Waits, at most `ms`, until every channel (or `peer`'s) has been read to its end. Once its processes are
   * gone a peer's channel reaches end-of-file at once, but the lines it wrote last (a `stopped`
   * event, written as SIGTERM arrived) may still be unread when its exit is seen: closing first
   * would lose them.
   */
  async drain(ms: number, peer?: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    const channels = peer === undefined ? this.channels : this.channels.filter((c) => c.peer === peer);
    await Promise.race([Promise.all(channels.map((c) => c.drained)), bound]);
    clearTimeout(timer);
  }

  /** Ends every channel; a scripted peer takes the end of its relay as the harness going away. */
  close(): void {
    for (const channel of this.channels) {
      channel.events.destroy();
      channel.relay?.destroy();
    }
    this.listeners.clear();
  }

  private receiveLine(peer: string, line: string): void {
    const parsed = parseEventLine(line);
    if (parsed === undefined) return;
    if ('malformed' in parsed) {
      this.warn('EVENT_MALFORMED', `${peer}: event channel line is ${parsed.malformed}: ${clip(line)}`);
      return;
    }
    const raw = parsed.fields;
    // The channel says who sent an event; a program cannot speak for another peer. Events without
    // a usable monotonic stamp get the time the harness read them.
    const t = typeof raw.t === 'number' && Number.isFinite(raw.t) ? raw.t : monotonicNs();
    this.accept({ ...raw, t, peer, ev: raw.ev });
  }

  private accept(event: PeerEvent): void {
    this.events.push(event);
    this.lines.push(JSON.stringify(event) + '\n');
    // Every line of one read (a peer writes a turn's events at once) in one write per relay: each
    // write wakes every scripted peer.
    if (this.lines.length === this.relayed + 1) queueMicrotask(() => this.relayPending());
    for (const listener of [...this.listeners]) listener(event);
  }

  private relayPending(): void {
    if (this.relayed === this.lines.length) return;
    const text = this.lines.slice(this.relayed).join('');
    this.relayed = this.lines.length;
    for (const channel of this.channels) this.send(channel, text);
  }

  private send(channel: Channel, text: string): void {
    const { relay } = channel;
    if (!relay || relay.destroyed || !relay.writable) return;
    relay.write(text);
  }

  private channelError(peer: string, err: NodeJS.ErrnoException): void {
    if (!PEER_GONE_ERRORS.has(err.code ?? '')) this.warn('EVENT_CHANNEL_ERROR', `${peer}: event channel failed: ${err.message}`);
  }

  private warn(code: ChannelWarning['code'], message: string): void {
    this.warnings.push({ code, message });
  }
}

function clip(line: string): string {
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
