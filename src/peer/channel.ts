// The peer's ends of the event channel: event lines out on fd 3, relayed events of every peer in
// on fd 5 (src/protocol/events.ts). One direction per descriptor: the harness only reads fd 3 and
// only writes fd 5. Lines written in one turn of the event loop go out as one write, and
// `flush()` waits until the last of them reached the kernel before the peer exits.
import fs from 'node:fs';
import net from 'node:net';
import { EVENTS_FD, ENV, RELAY_FD, type PeerEvent } from '../protocol/events';

export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  readonly code = 'EVENT_CHANNEL_MISSING';
  constructor(
    readonly fd: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ChannelHandlers {
  /** a relayed event arrived */
  event(event: PeerEvent): void;
  /** the harness closed its end (or the channel broke): the peer must not outlive it */
  lost(reason: string): void;
  /** the harness sent a line that is not an event */
  malformed(line: string): void;
}

export class EventChannel {
  private lastWrite: Promise<void> = Promise.resolve();
  /** lines written since the last write to the socket */
  private pending = '';
  private scheduled = false;
  private partial = '';

  private constructor(
    private readonly out: net.Socket,
    private readonly fd: number,
  ) {}

  static open(handlers: ChannelHandlers, fd: number = EVENTS_FD, relayFd: number = RELAY_FD): EventChannel {
    for (const [n, what] of [
      [fd, `its event channel on fd ${fd} (${ENV.eventsFd})`],
      [relayFd, `the relay of the other peers' events on fd ${relayFd}`],
    ] as const) {
      const found = describeFd(n);
      if (found !== 'socket' && found !== 'pipe') {
        throw new ChannelError(n, `the scripted peer needs ${what}: a socket or pipe from the harness, but fd ${n} is ${found}; run it through uds-fixture`);
      }
    }
    const out = new net.Socket({ fd, readable: false, writable: true });
    const relay = new net.Socket({ fd: relayFd, readable: true, writable: false, allowHalfOpen: true });
    const channel = new EventChannel(out, fd);
    // A write fails only when the harness is gone (EPIPE); the relay's end says so too.
    out.on('error', (err) => handlers.lost(`the event channel failed: ${err.message}`));
    relay.setEncoding('utf8');
    relay.on('data', (chunk: string) => channel.receive(chunk, handlers));
    relay.on('end', () => handlers.lost('the harness closed the event channel'));
    relay.on('error', (err) => handlers.lost(`the event channel failed: ${err.message}`));
    return channel;
  }

  write(event: PeerEvent): void {
    this.pending += JSON.stringify(event) + '\n';
    if (this.scheduled) return;
    this.scheduled = true;
    // Every event of this turn (a step's event, the next step's, ...) in one write. `t` was taken
    // when the event happened, so the wait changes no date.
    setImmediate(() => this.writePending());
  }

  /**
   * Writes one line synchronously, for a process that ends right after. Best effort: a full or
   * closed channel loses the line rather than block the peer's exit.
   */
  writeNow(event: PeerEvent): void {
    const text = this.pending + JSON.stringify(event) + '\n';
    this.pending = '';
    try {
      fs.writeSync(this.fd, text);
    } catch {
      // EAGAIN (the harness is not reading) or EPIPE (it is gone): nothing more to do
    }
  }

  /** Resolves once every written line is in the kernel (or the channel is gone). */
  flush(): Promise<void> {
    this.writePending();
    return this.lastWrite;
  }

  private writePending(): void {
    this.scheduled = false;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    // The callback also runs on error (EPIPE when the harness is gone); flush() must not hang then.
    this.lastWrite = new Promise((resolve) => {
      this.out.write(text, () => resolve());
    });
  }

  private receive(chunk: string, handlers: ChannelHandlers): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        handlers.malformed(line);
        continue;
      }
      if (isPeerEvent(parsed)) handlers.event(parsed);
      else handlers.malformed(line);
    }
  }
}

function describeFd(fd: number): string {
  let stat: fs.Stats;
  try {
    stat = fs.fstatSync(fd);
  } catch {
    return 'not open';
  }
  if (stat.isSocket()) return 'socket';
  if (stat.isFIFO()) return 'pipe';
  if (stat.isCharacterDevice()) return 'a character device (such as /dev/null)';
  if (stat.isFile()) return 'a regular file';
  return 'another kind of file (Node takes a free fd 3 for itself when none was passed)';
}

function isPeerEvent(value: unknown): value is PeerEvent {
  const v = value as Partial<PeerEvent> | null;
  return typeof v === 'object' && v !== null && typeof v.peer === 'string' && typeof v.ev === 'string' && typeof v.t === 'number';
}
