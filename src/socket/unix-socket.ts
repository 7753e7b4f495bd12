// An AF_UNIX socket of any type. Every descriptor it creates, accepts or receives is non-blocking
// and close-on-exec; operations are promises queued per direction; an idle socket does not keep
// the process alive.
import { binding, type NativeSocketHandle } from './binding';
import { type SocketError, errnoOf, syscallError } from './errors';
import { decodeAddress, describeAddress, encodeAddress } from './address';
import { IoQueue, blocked, finished, type Attempt } from './io-queue';
import { MAX_WAIT_BUDGET_US } from './wait-budget';
import { MAX_FDS_PER_MESSAGE } from '../limits/limits.generated';

import type { PeerCredentials, Received, RecvOptions, SendOptions, Sent, SocketType, UnixAddress } from './api';

/** SCM_MAX_FD on Linux: the most descriptors one message may carry (native/limits.h). */
export { MAX_FDS_PER_MESSAGE };
const DEFAULT_BACKLOG = 128;
const DEFAULT_MAX_BYTES = 65536;

const SOCKET_TYPES: readonly SocketType[] = ['stream', 'dgram', 'seqpacket'];

function nativeType(type: SocketType): number {
  const { constants } = binding();
  switch (type) {
    case 'stream':
      return constants.SOCK_STREAM;
    case 'dgram':
      return constants.SOCK_DGRAM;
    case 'seqpacket':
      return constants.SOCK_SEQPACKET;
    default:
      throw invalid('socket', `socket type ${JSON.stringify(type)} is not one of ${SOCKET_TYPES.join(', ')}`);
  }
}

function invalid(syscall: string, detail: string, path?: string): SocketError {
  return syscallError(errnoOf('EINVAL'), syscall, path, detail);
}

function isBackpressure(result: number): boolean {
  if (result === errnoOf('EAGAIN') || result === errnoOf('EWOULDBLOCK')) return true;
  // macOS fails a datagram to a full receiver at once with ENOBUFS where Linux would block.
  return process.platform === 'darwin' && result === errnoOf('ENOBUFS');
}

function checkCount(value: number | undefined, fallback: number, min: number, max: number, name: string, syscall: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalid(syscall, `${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function checkFds(fds: number[] | undefined, data: Buffer): number[] | null {
  if (fds === undefined || fds.length === 0) return null;
  for (const fd of fds) {
    if (!Number.isInteger(fd) || fd < 0) throw invalid('sendmsg', `descriptor ${String(fd)} is not a non-negative integer`);
  }
  // Linux's kernel refuses more than SCM_MAX_FD with EINVAL; macOS is held to the same limit here.
  if (process.platform !== 'linux' && fds.length > MAX_FDS_PER_MESSAGE) {
    throw invalid('sendmsg', `${fds.length} descriptors in one message; at most ${MAX_FDS_PER_MESSAGE} fit`);
  }
  // Descriptors ride on data: with no byte to carry them a stream peer may never see them.
  if (data.length === 0) throw invalid('sendmsg', 'descriptors need at least one data byte to travel with');
  return fds;
}

export class UnixSocket implements AsyncDisposable {
  readonly type: SocketType;
  private native: NativeSocketHandle | undefined;
  private readonly reads: IoQueue;
  private readonly writes: IoQueue;
  /** the address this socket is bound or connected to, for error messages */
  private addressText: string | undefined;
  private connectedAt = 0;
  private acceptedAt = 0;

  private constructor(native: NativeSocketHandle, type: SocketType) {
    this.native = native;
    this.type = type;
    this.reads = new IoQueue(
      (callback) => this.open('waitReadable').waitReadable(callback),
      (budgetUs) => this.native?.waitReady(false, budgetUs) ?? errnoOf('EBADF'),
    );
    this.writes = new IoQueue(
      (callback) => this.open('waitWritable').waitWritable(callback),
      (budgetUs) => this.native?.waitReady(true, budgetUs) ?? errnoOf('EBADF'),
    );
  }

  static create(type: SocketType): UnixSocket {
    const result = binding().socket(nativeType(type));
    if (typeof result === 'number') throw syscallError(result, 'socket', undefined, `cannot create an AF_UNIX ${type} socket`);
    return new UnixSocket(result, type);
  }

  static pair(type: SocketType): [UnixSocket, UnixSocket] {
    const result = binding().socketpair(nativeType(type));
    if (typeof result === 'number') throw syscallError(result, 'socketpair', undefined, `cannot create an AF_UNIX ${type} pair`);
    return [new UnixSocket(result[0], type), new UnixSocket(result[1], type)];
  }

  /** Adopts an inherited socket descriptor, which this object then owns and closes. */
  static fromFd(fd: number, type: SocketType): UnixSocket {
    if (!Number.isInteger(fd) || fd < 0) throw invalid('fromFd', `descriptor ${String(fd)} is not a non-negative integer`);
    const { socketTypeOf, adopt } = binding();
    const actual = socketTypeOf(fd);
    if (actual < 0) throw syscallError(actual, 'getsockopt', undefined, `descriptor ${fd} is not a usable socket`);
    if (actual !== nativeType(type)) {
      throw syscallError(errnoOf('EPROTOTYPE'), 'fromFd', undefined, `descriptor ${fd} is not a ${type} socket`);
    }
    const result = adopt(fd);
    if (typeof result === 'number') throw syscallError(result, 'fcntl', undefined, `cannot make descriptor ${fd} non-blocking and close-on-exec`);
    return new UnixSocket(result, type);
  }

  /** The address `bind` gave this socket, as errors name it; undefined when it bound none. */
  get boundAddressText(): string | undefined {
    return this.addressText;
  }

  get fd(): number {
    return this.native?.fd ?? -1;
  }

  get closed(): boolean {
    return this.native === undefined;
  }

  /**
   * When the connect(2) that made this socket's connection began, in monotonic ns (the clock of
   * `process.hrtime.bigint()` and of event times); 0 until `connect` succeeded. Taken before the
   * call, so it is earlier than the accept that took the connection, in any process.
   */
  get connectAtNs(): number {
    return this.connectedAt;
  }

  /** On a socket `accept` returned, when its accept(2) returned, in monotonic ns; 0 otherwise. */
  get acceptedAtNs(): number {
    return this.acceptedAt;
  }

  bind(address: UnixAddress): void {
    const bytes = encodeAddress(address, 'bind');
    const result = this.open('bind').bind(bytes);
    if (result < 0) throw syscallError(result, 'bind', describeAddress(address));
    this.addressText = describeAddress(address);
  }

  listen(backlog: number = DEFAULT_BACKLOG): void {
    checkCount(backlog, DEFAULT_BACKLOG, 0, 2 ** 31 - 1, 'backlog', 'listen');
    const result = this.open('listen').listen(backlog);
    if (result < 0) throw syscallError(result, 'listen', this.addressText);
  }

  /**
   * Lets an operation that finds the socket not ready (a `recv` with nothing queued, a `send` to
   * a full peer) block in poll(2) for up to `maxMicros` µs before it waits on the event loop, so
   * a reply that comes back quickly is taken on the kernel's direct wake-up instead of a round
   * of the loop: a request/response exchange with another process runs faster. The budget
   * adapts below that limit: it grows when waits end quickly and shrinks to nothing when they
   * do not. While blocked, this thread's event loop runs nothing (timers, other sockets, a
   * server in this same process): leave it off (0, the default) where the other end may be in
   * this process, and keep it small. A signal ends the wait at once. Connections `accept`
   * returns start with the listener's limit. Returns the socket.
   */
  waitBudget(maxMicros: number): this {
    if (!Number.isInteger(maxMicros) || maxMicros < 0 || maxMicros > MAX_WAIT_BUDGET_US) {
      throw invalid('waitBudget', `maxMicros must be an integer from 0 to ${MAX_WAIT_BUDGET_US}, got ${String(maxMicros)}`);
    }
    this.reads.budget.limit(maxMicros);
    this.writes.budget.limit(maxMicros);
    return this;
  }

  accept(): Promise<UnixSocket> {
    return this.start(this.reads, 'accept', this.addressText, () => () => {
      const result = this.open('accept').accept();
      if (typeof result !== 'number') {
        const connection = new UnixSocket(result, this.type);
        connection.acceptedAt = result.acceptedAtNs;
        const limit = this.reads.budget.limitMicros;
        return finished(limit > 0 ? connection.waitBudget(limit) : connection);
      }
      if (isBackpressure(result)) return blocked();
      throw syscallError(result, 'accept', this.addressText);
    });
  }

  connect(address: UnixAddress): Promise<void> {
    const path = describeAddress(address);
    let inProgress = false;
    return this.start(this.writes, 'connect', path, () => {
      const bytes = encodeAddress(address, 'connect');
      return () => {
        const native = this.open('connect');
        // A connect that went on in the background reports its outcome through SO_ERROR.
        const result = inProgress ? native.pendingError() : native.connect(bytes);
        if (result === 0) {
          this.addressText = path;
          this.connectedAt = native.connectAtNs;
          return finished(undefined);
        }
        if (!inProgress && result === errnoOf('EINPROGRESS')) {
          inProgress = true;
          return blocked(true);
        }
        // Linux: a listener whose backlog is full makes a non-blocking connect fail with EAGAIN.
        if (!inProgress && isBackpressure(result)) return blocked();
        throw syscallError(result, 'connect', path);
      };
    });
  }

  /** Stream: writes all of `data`. Datagram and seqpacket: sends it as one message. */
  send(data: Buffer, options: SendOptions = {}): Promise<number> {
    return this.sendDated(data, options).then((sent) => sent.bytes);
  }

  /** `send`, also saying when the bytes were handed to the kernel (for a causal timeline). */
  sendDated(data: Buffer, options: SendOptions = {}): Promise<Sent> {
    const to = options.to;
    const path = to === undefined ? this.addressText : describeAddress(to);
    return this.start(this.writes, 'sendmsg', path, () => {
      if (!Buffer.isBuffer(data)) throw invalid('sendmsg', 'data must be a Buffer');
      const toBytes = to === undefined ? null : encodeAddress(to, 'sendmsg');
      let fds = checkFds(options.fds, data);
      if (this.type !== 'stream') {
        return () => {
          const native = this.open('sendmsg');
          const result = native.sendmsg(data, 0, fds, toBytes);
          if (result >= 0) return finished({ bytes: result, atNs: native.sentAtNs });
          if (isBackpressure(result)) return blocked();
          throw syscallError(result, 'sendmsg', path);
        };
      }
      let offset = 0;
      return () => {
        let progressed = false;
        while (offset < data.length) {
          const result = this.open('sendmsg').sendmsg(data, offset, fds, toBytes);
          if (result < 0) {
            if (isBackpressure(result)) return blocked(progressed);
            throw syscallError(result, 'sendmsg', path);
          }
          // The descriptors went with the first bytes written; the rest of the data goes without.
          fds = null;
          offset += result;
          progressed = true;
        }
        return finished({ bytes: data.length, atNs: this.open('sendmsg').sentAtNs });
      };
    });
  }

  recv(options: RecvOptions = {}): Promise<Received> {
    return this.start(this.reads, 'recvmsg', this.addressText, () => {
      const maxBytes = checkCount(options.maxBytes, DEFAULT_MAX_BYTES, 1, 2 ** 30, 'maxBytes', 'recvmsg');
      const maxFds = checkCount(options.maxFds, MAX_FDS_PER_MESSAGE, 0, MAX_FDS_PER_MESSAGE, 'maxFds', 'recvmsg');
      return () => {
        const result = this.open('recvmsg').recvmsg(maxBytes, maxFds);
        if (typeof result === 'number') {
          if (isBackpressure(result)) return blocked();
          throw syscallError(result, 'recvmsg', this.addressText);
        }
        const { data, fds, truncated, controlTruncated, atNs } = result;
        // A connection-oriented read of nothing is the peer's end-of-file; an empty datagram is a message.
        const eof = this.type !== 'dgram' && data.length === 0 && fds.length === 0 && !truncated;
        const received: Received = { data, fds, truncated, controlTruncated, eof, atNs };
        const from = decodeAddress(result.from);
        if (from !== undefined) received.from = from;
        return finished(received);
      };
    });
  }

  /**
   * One recvmsg that does not wait: what is queued now, or undefined when nothing is (EAGAIN) or
   * a `recv` is already waiting (it will take what comes). For a look at a connection before it
   * closes; the caller owns any descriptors that arrive.
   */
  tryRecv(options: RecvOptions = {}): Received | undefined {
    if (this.reads.busy) return undefined;
    const maxBytes = checkCount(options.maxBytes, DEFAULT_MAX_BYTES, 1, 2 ** 30, 'maxBytes', 'recvmsg');
    const result = this.open('recvmsg').recvmsg(maxBytes, MAX_FDS_PER_MESSAGE);
    if (typeof result === 'number') {
      if (isBackpressure(result)) return undefined;
      throw syscallError(result, 'recvmsg', this.addressText);
    }
    const { data, fds, truncated, controlTruncated, atNs } = result;
    const eof = this.type !== 'dgram' && data.length === 0 && fds.length === 0 && !truncated;
    return { data, fds, truncated, controlTruncated, eof, atNs };
  }

  /**
   * Passes descriptors with SCM_RIGHTS, carried by `data` (default one byte, `F`: a message with
   * descriptors needs at least one data byte). The caller keeps its own descriptors open.
   */
  sendFds(fds: number[], data: Buffer = Buffer.from('F'), options: { to?: UnixAddress } = {}): Promise<number> {
    return this.send(data, { ...options, fds });
  }

  /**
   * Receives one message with room for `room` descriptors (default 253). The descriptors that
   * arrive are the caller's to close; `controlTruncated` says more were sent than fitted (those
   * were closed). A stream that ended gives `eof: true`, as `recv` does.
   */
  recvFds(options: { room?: number; maxBytes?: number } = {}): Promise<Received> {
    return this.recv({ maxFds: options.room ?? MAX_FDS_PER_MESSAGE, ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) });
  }

  shutdown(how: 'read' | 'write' | 'both'): void {
    const { constants } = binding();
    const value = how === 'read' ? constants.SHUT_RD : how === 'write' ? constants.SHUT_WR : how === 'both' ? constants.SHUT_RDWR : undefined;
    if (value === undefined) throw invalid('shutdown', `how must be 'read', 'write' or 'both', got ${JSON.stringify(how)}`);
    const result = this.open('shutdown').shutdown(value);
    if (result < 0) throw syscallError(result, 'shutdown', this.addressText);
  }

  /** Idempotent. Pending operations reject with ECANCELED. */
  close(): void {
    const native = this.native;
    if (native === undefined) return;
    this.native = undefined;
    const result = native.close();
    this.reads.cancelAll();
    this.writes.cancelAll();
    if (result < 0) throw syscallError(result, 'close', this.addressText);
  }

  localAddress(): UnixAddress | undefined {
    const result = this.open('getsockname').localAddress();
    if (typeof result === 'number') throw syscallError(result, 'getsockname', this.addressText);
    return decodeAddress(result);
  }

  remoteAddress(): UnixAddress | undefined {
    const result = this.open('getpeername').remoteAddress();
    if (typeof result === 'number') throw syscallError(result, 'getpeername', this.addressText);
    return decodeAddress(result);
  }

  /**
   * Sets SO_SNDBUF (`sndbuf`) or SO_RCVBUF (`rcvbuf`) and returns the size the kernel then
   * reports: Linux doubles the value asked for and clamps it; macOS keeps it. Without `bytes`,
   * only reads it.
   */
  bufferSize(which: 'sndbuf' | 'rcvbuf', bytes?: number): number {
    if (bytes !== undefined && (!Number.isInteger(bytes) || bytes < 0 || bytes > 2 ** 31 - 1)) {
      throw invalid('setsockopt', `${which} must be an integer from 0 to 2147483647, got ${String(bytes)}`);
    }
    const result = binding().bufferSize(this.open('setsockopt').fd, which === 'sndbuf', bytes ?? -1);
    if (result < 0) throw syscallError(result, bytes === undefined ? 'getsockopt' : 'setsockopt', this.addressText, `cannot ${bytes === undefined ? 'read' : 'set'} ${which === 'sndbuf' ? 'SO_SNDBUF' : 'SO_RCVBUF'}`);
    return result;
  }

  peerCredentials(): PeerCredentials {
    const result = this.open('getsockopt').peerCredentials();
    if (typeof result === 'number') throw syscallError(result, 'getsockopt', this.addressText, 'cannot read the peer credentials');
    const [pid, uid, gid] = result;
    return { pid, uid, gid };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  private open(syscall: string): NativeSocketHandle {
    if (this.native === undefined) {
      throw syscallError(errnoOf('EBADF'), syscall, this.addressText, 'the socket is closed');
    }
    return this.native;
  }

  /**
   * Queues an operation. `prepare` validates the options (a bad one rejects without touching the
   * queue) and returns the attempt, which the queue repeats until it finishes or fails.
   */
  private start<T>(queue: IoQueue, syscall: string, path: string | undefined, prepare: () => () => Attempt<T>): Promise<T> {
    try {
      this.open(syscall);
      return queue.run(syscall, path, prepare());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }
}
