// The peer's ends of the event channel: event lines out on fd 3, relayed events of every peer in
// on fd 5 (src/protocol/events.ts). One direction per descriptor: the harness only reads fd 3 and
// only writes fd 5. Lines go out gathered, one turn's or one burst's in one write (the pacing is in
// src/peer/write-pacer.ts), and `flush()` waits until the last of them reached the kernel before
// the peer exits.
//
// The relay is read when the peer needs it, not whenever a line arrives: at every look at the
// event log (what is queued now, without waiting) and, while a step waits for an event, as lines
// come. Every peer's every event is relayed to every scripted peer, and being woken for each one
// cost a request/response exchange more than its own steps did. That the harness went away is
// seen on fd 3, whose only readable moment is its end (the harness never writes there).
import fs from 'node:fs';
import net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { EVENTS_FD, ENV, RELAY_FD, isPeerEvent, parseEventLine, type PeerEvent } from '../protocol/events';
import { CodedError } from '../errors/coded-error';
import { UnixSocket } from '../socket';
import { WritePacer } from './write-pacer';
export class ChannelError extends CodedError<'EVENT_CHANNEL_MISSING'> {
  override readonly name = 'ChannelError';
  constructor(
    readonly fd: number,
    message: string,
  ) {
    super('EVENT_CHANNEL_MISSING', message);
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

/** Where the event log gets relayed events from (src/peer/event-log.ts). */
export interface RelaySource {
  /**
   * Takes in what the relay holds now, without waiting; `everything`: also while a following read
   * waits for the relay (which then finds it empty and waits on), at the cost of a system call.
   */
  refresh(everything?: boolean): void;
  /** while on, takes in relayed lines as they arrive */
  follow(on: boolean): void;
}

export class EventChannel implements RelaySource {
  private lastWrite: Promise<void> = Promise.resolve();
  /** lines written since the last write to the socket, and when they go out */
  private readonly pacer = new WritePacer((text) => this.writeOut(text));
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  /** taking in lines now: a look at the log from an event handler must not read past them */
  private taking = false;
  private following = false;
  private reading = false;
  private ended = false;

  private constructor(
    private readonly out: net.Socket,
    private readonly relay: UnixSocket,
    private readonly fd: number,
    private readonly handlers: ChannelHandlers,
  ) {}

  static open(handlers: ChannelHandlers, fd: number = EVENTS_FD, relayFd: number = RELAY_FD): EventChannel {
    for (const [n, what, kinds] of [
      [fd, `its event channel on fd ${fd} (${ENV.eventsFd})`, 'a socket or pipe'],
      [relayFd, `the relay of the other peers' events on fd ${relayFd}`, 'a socket'],
    ] as const) {
      const found = describeFd(n);
      if (found !== 'socket' && (found !== 'pipe' || n === relayFd)) {
        throw new ChannelError(n, `the scripted peer needs ${what}: ${kinds} from the harness, but fd ${n} is ${found}; run it through uds-fixture`);
      }
    }
    const out = new net.Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
    const channel = new EventChannel(out, UnixSocket.fromFd(relayFd, 'stream'), fd, handlers);
    // Nothing ever arrives on fd 3 but its end: the harness closed it, or died.
    out.on('data', () => undefined);
    out.on('end', () => handlers.lost('the harness closed the event channel'));
    out.on('error', (err) => handlers.lost(`the event channel failed: ${err.message}`));
    return channel;
  }

  write(event: PeerEvent): void {
    this.pacer.add(JSON.stringify(event) + '\n');
  }

  /**
   * Writes one line synchronously, for a process that ends right after. Best effort: a full or
   * closed channel loses the line rather than block the peer's exit.
   */
  writeNow(event: PeerEvent): void {
    // The lines still waiting for their write go first, in the order they were made.
    const text = this.pacer.take() + JSON.stringify(event) + '\n';
    try {
      fs.writeSync(this.fd, text);
    } catch {
      // EAGAIN (the harness is not reading) or EPIPE (it is gone): nothing more to do
    }
  }

  /** Resolves once every written line is in the kernel (or the channel is gone). */
  flush(): Promise<void> {
    this.pacer.writePending();
    return this.lastWrite;
  }

  refresh(everything = false): void {
    if (this.taking || this.ended) return;
    if (this.reading && everything) return this.readQueued();
    for (;;) {
      let r;
      try {
        // undefined: nothing queued, or a waiting read (follow) will take it
        r = this.relay.tryRecv({ maxBytes: 65536 });
      } catch (err) {
        this.end(`the relay failed: ${(err as Error).message}`);
        return;
      }
      if (r === undefined) return;
      if (!this.take(r.data, r.eof)) return;
    }
  }

  follow(on: boolean): void {
    this.following = on;
    if (on && !this.reading) void this.readWhileFollowing();
  }

  private async readWhileFollowing(): Promise<void> {
    this.reading = true;
    try {
      while (this.following && !this.ended) {
        const r = await this.relay.recv({ maxBytes: 65536 });
        if (!this.take(r.data, r.eof)) return;
      }
    } catch (err) {
      if (!this.ended) this.end(`the relay failed: ${(err as Error).message}`);
    } finally {
      this.reading = false;
    }
  }

  /**
   * Reads what the relay holds past the following read that waits for it: a look that must see
   * everything the harness wrote before it cannot wait for the loop to run that read.
   */
  private readQueued(): void {
    const buffer = Buffer.allocUnsafe(65536);
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(this.relay.fd, buffer, 0, buffer.length, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') this.end(`the relay failed: ${(err as Error).message}`);
        return;
      }
      if (!this.take(Buffer.from(buffer.subarray(0, n)), n === 0)) return;
    }
  }

  /** Takes in one read of the relay; false at its end. */
  private take(data: Buffer, eof: boolean): boolean {
    if (this.ended) return false;
    if (eof) {
      this.end('the harness closed the event channel');
      return false;
    }
    this.taking = true;
    try {
      this.receive(this.decoder.write(data));
    } finally {
      this.taking = false;
    }
    return true;
  }

  private end(reason: string): void {
    this.ended = true;
    this.handlers.lost(reason);
  }

  private writeOut(text: string): void {
    // The callback also runs on error (EPIPE when the harness is gone); flush() must not hang then.
    this.lastWrite = new Promise((resolve) => {
      this.out.write(text, () => resolve());
    });
    // A peer whose steps never look at the log (a request/response loop) would leave its relay
    // unread, and the harness would hold what it could not write there: take it in with each
    // (paced) write, so what waits in either place stays bounded by what a few milliseconds bring.
    this.refresh();
  }

  private receive(chunk: string): void {
    const handlers = this.handlers;
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      const parsed = parseEventLine(line);
      if (parsed === undefined) continue;
      if ('fields' in parsed && isPeerEvent(parsed.fields)) handlers.event(parsed.fields);
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
