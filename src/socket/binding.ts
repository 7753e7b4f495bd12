// The only module that loads the native addon. It finds the package root by walking up from this
// file to the package.json named "uds-fixture" (src/package/package-root.ts: which works from
// src/, from dist/ bundles and from test bundles under node_modules/.cache) and loads the addon
// built there, or the prebuilt one for this platform.
import path from 'node:path';
import nodeGypBuild from 'node-gyp-build';
import { findPackageRoot } from '../package/package-root';

import { AddonMissingError } from './errors';

/** Every method returns its result, or a negative errno as a number. */
export interface NativeSocketHandle {
  readonly fd: number;
  /** diagnostic: bytes the socket keeps for its reads between calls (64 KiB at most; larger reads get their own) */
  readonly receiveBufferBytes: number;
  /** monotonic ns (process.hrtime's clock) when the last sendmsg that wrote bytes began */
  readonly sentAtNs: number;
  /** monotonic ns when the connect that made (or began making) the connection began; 0 before */
  readonly connectAtNs: number;
  /** on an accepted socket, monotonic ns when the accept that returned it returned; 0 otherwise */
  readonly acceptedAtNs: number;
  bind(address: Buffer): number;
  listen(backlog: number): number;
  accept(): NativeSocketHandle | number;
  /** 0, or -EINPROGRESS / -EAGAIN while the connection is not made yet, or another -errno */
  connect(address: Buffer): number;
  /** SO_ERROR as -errno, 0 when there is none */
  pendingError(): number;
  sendmsg(data: Buffer, offset: number, fds: number[] | null, to: Buffer | null): number;
  recvmsg(maxBytes: number, maxFds: number): NativeMessage | number;
  shutdown(how: number): number;
  close(): number;
  localAddress(): Buffer | number;
  remoteAddress(): Buffer | number;
  peerCredentials(): [pid: number, uid: number, gid: number] | number;
  /** blocks up to `budgetUs` for readability (or writability): 1 ready, 0 not yet, or -errno */
  waitReady(writable: boolean, budgetUs: number): number;
  /** one-shot: `callback(status)` runs once the socket is readable (status 0) or failed (-errno) */
  waitReadable(callback: (status: number) => void): number;
  waitWritable(callback: (status: number) => void): number;
}

export interface NativeMessage {
  data: Buffer;
  fds: number[];
  truncated: boolean;
  controlTruncated: boolean;
  /** address bytes; empty when the sender is unnamed */
  from: Buffer;
  /** monotonic ns (process.hrtime's clock) when recvmsg returned */
  atNs: number;
}

/** Options of the native forwarding proxy (native/proxy.cc); src/socket/proxy.ts fills them. */
export interface NativeProxyOptions {
  type: number;
  listen: Buffer;
  connect: Buffer;
  seed: number;
  capture: boolean;
  previewBytes: number;
  c2s: NativeProxyFaults;
  s2c: NativeProxyFaults;
}

/** Which messages a fault applies to: every condition given must hold, `rate` drawn last. */
export interface NativeFaultSelector {
  messages?: number[];
  rate?: number;
  fromByte?: number;
  afterMs?: number;
}

export interface NativeProxyFaults {
  chunkMin?: number;
  chunkMax?: number;
  delayMs?: number;
  jitterMs?: number;
  delayWhen?: NativeFaultSelector;
  delayPerChunk?: boolean;
  drop?: NativeFaultSelector;
  duplicate?: NativeFaultSelector;
  reorder?: NativeFaultSelector;
  dropFds?: NativeFaultSelector;
  truncateFds?: NativeFaultSelector;
  truncateKeep?: number;
  corruptAt?: number[];
  resetAfterBytes?: number;
  stallAfterBytes?: number;
  stallForMs?: number;
}

/** One thing the proxy saw or did, as native code reports it (src/proxy/events.ts names them). */
export interface NativeProxyEvent {
  t: number;
  ev: 'open' | 'data' | 'eof' | 'close' | 'reset' | 'fault' | 'error' | 'stopped';
  conn?: number;
  dir?: 'c2s' | 's2c';
  message?: number;
  bytes?: number;
  preview?: Buffer;
  fds?: { mode: number; dev: number; ino: number }[];
  fault?: string;
  offset?: number;
  /** a fault event standing for several faults (the summary of unlisted `chunk` re-splits) */
  count?: number;
  detail?: string;
  errno?: number;
  /** a stream send that failed: the bytes of `message` (of `bytes`) the receiver's socket took before it */
  delivered?: number;
  pid?: number;
  uid?: number;
  gid?: number;
  /** the client's process group, read as it connected */
  pgid?: number;
  address?: Buffer;
  stats?: NativeProxyStats;
}

export interface NativeProxyStats {
  connections: number;
  messagesC2s: number;
  messagesS2c: number;
  bytesC2s: number;
  bytesS2c: number;
  zeroCopyC2s: number;
  zeroCopyS2c: number;
  fdsReceived: number;
  fdsForwarded: number;
  fdsClosed: number;
  faults: number;
}

export interface NativeProxyHandle {
  /** asks the proxy to stop; the last batch of events ends with `stopped` */
  stop(): void;
  stats(): NativeProxyStats;
}

export interface NativeBinding {
  socket(type: number): NativeSocketHandle | number;
  socketpair(type: number): [NativeSocketHandle, NativeSocketHandle] | number;
  /** takes ownership of `fd` on success (sets O_NONBLOCK and FD_CLOEXEC) */
  adopt(fd: number): NativeSocketHandle | number;
  socketTypeOf(fd: number): number;
  /** getpgid(pid): the process group of `pid`, or -errno (-ESRCH when there is no such process) */
  processGroupOf(pid: number): number;
  /** SO_SNDBUF (`send`) or SO_RCVBUF of `fd`: set to `bytes` when >= 0, then read back; or -errno */
  bufferSize(fd: number, send: boolean, bytes: number): number;
  /** binds and listens on `listen` (-errno when it cannot), then forwards on threads of its own */
  startProxy(options: NativeProxyOptions, onEvents: (events: NativeProxyEvent[]) => void): NativeProxyHandle | number;
  constants: {
    SOCK_STREAM: number;
    SOCK_DGRAM: number;
    SOCK_SEQPACKET: number;
    SHUT_RD: number;
    SHUT_WR: number;
    SHUT_RDWR: number;
  };
}

const ADDON_RELATIVE_PATH = path.join('build', 'Release', 'uds_fixture.node');

/**
 * Loads the addon of the package found above `start`: the one built here (build/Release), else
 * the prebuilt one for this platform, architecture and libc (prebuilds/<platform>-<arch>/), found
 * by node-gyp-build, the loader serialport and many Node-API packages use. Throws
 * AddonMissingError, saying what was looked for, when neither is there.
 */
export function loadBinding(start: string): NativeBinding {
  const root = findPackageRoot(start);
  if (!root) throw new AddonMissingError(path.join(start, ADDON_RELATIVE_PATH));
  let addonPath: string;
  try {
    addonPath = nodeGypBuild.path(root);
  } catch (cause) {
    throw new AddonMissingError(path.join(root, ADDON_RELATIVE_PATH), { cause });
  }
  // a computed path that node-gyp-build found: no static import can name it
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(addonPath) as NativeBinding;
}

let loaded: NativeBinding | undefined;

/** The addon, loaded on first use so that importing the package never needs it. */
export function binding(): NativeBinding {
  loaded ??= loadBinding(__dirname);
  return loaded;
}
