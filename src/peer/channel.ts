// The peer's end of the event channel (fd 3, a socket or pipe the harness opened): event lines
// out, relayed events of every peer in. One net.Socket serves both directions, so writes keep
// their order and `flush()` can wait until the last line reached the kernel before the peer exits.
import fs from 'node:fs';
import net from 'node:net';
import { EVENTS_FD, ENV, type PeerEvent } from '../protocol/events';

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
  private partial = '';

  private constructor(
    private readonly socket: net.Socket,
    private readonly fd: number,
  ) {}

  static open(handlers: ChannelHandlers, fd: number = EVENTS_FD): EventChannel {
    const found = describeFd(fd);
    if (found !== 'socket' && found !== 'pipe') {
      throw new ChannelError(
        fd,
        `the scripted peer needs its event channel on fd ${fd} (${ENV.eventsFd}): a socket or pipe from the harness, ` +
          `but fd ${fd} is ${found}; run it through uds-fixture`,
      );
    }
    const socket = new net.Socket({ fd, readable: true, writable: true, allowHalfOpen: true });
    const channel = new EventChannel(socket, fd);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => channel.receive(chunk, handlers));
    socket.on('end', () => handlers.lost('the harness closed the event channel'));
    socket.on('error', (err) => handlers.lost(`the event channel failed: ${err.message}`));
    return channel;
  }

  write(event: PeerEvent): void {
    const line = JSON.stringify(event) + '\n';
    // The callback also runs on error (EPIPE when the harness is gone); flush() must not hang then.
    this.lastWrite = new Promise((resolve) => {
      this.socket.write(line, () => resolve());
    });
  }

  /**
   * Writes one line synchronously, for a process that ends right after. Best effort: a full or
   * closed channel loses the line rather than block the peer's exit.
   */
  writeNow(event: PeerEvent): void {
    try {
      fs.writeSync(this.fd, JSON.stringify(event) + '\n');
    } catch {
      // EAGAIN (the harness is not reading) or EPIPE (it is gone): nothing more to do
    }
  }

  /** Resolves once every written line is in the kernel (or the channel is gone). */
  flush(): Promise<void> {
    return this.lastWrite;
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
