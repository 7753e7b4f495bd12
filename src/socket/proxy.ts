// The forwarding proxy's native engine, typed: binds the listening path (a refusal is a
// SocketError with its errno and the path), and hands every batch of events to `onEvents`.
// Options and faults are validated before this (src/proxy/faults.ts); this only crosses over.
import { binding } from './binding';
import type { NativeProxyEvent, NativeProxyFaults, NativeProxyHandle } from './binding';
import { checkSocketPath, SUN_PATH_MAX } from './address';
import { errnoOf, SocketError, syscallError } from './errors';
import type { SocketType } from './api';

export type { NativeProxyEvent, NativeProxyFaults, NativeProxyStats, NativeFaultSelector } from './binding';

export interface NativeProxyStart {
  type: SocketType;
  listen: string;
  connect: string;
  seed: number;
  capture: boolean;
  previewBytes: number;
  c2s: NativeProxyFaults;
  s2c: NativeProxyFaults;
}

// A datagram client with a path of its own is given one at the proxy (native/proxy.cc,
// DatagramClient): `c<connection number>` in a directory `.udsproxy-XXXXXX` beside the listening
// path. It must fit sun_path as the listening path does: otherwise the proxy starts, and then
// refuses every such client's datagrams one by one (ENAMETOOLONG). Connection numbers of up to 10
// digits are allowed for.
const DGRAM_CLIENT_PATH = '.udsproxy-XXXXXX/c9999999999';

function checkDatagramClientPath(listen: string): void {
  const longest = (listen.slice(0, listen.lastIndexOf('/') + 1) || './') + DGRAM_CLIENT_PATH;
  const bytes = Buffer.byteLength(longest, 'utf8');
  if (bytes <= SUN_PATH_MAX) return;
  throw new SocketError(
    { code: 'ENAMETOOLONG', errno: errnoOf('ENAMETOOLONG'), syscall: 'bind', path: longest },
    `bind ENAMETOOLONG ${longest}: a datagram proxy gives each client a path of its own beside its listening path ${listen}, up to ${bytes} bytes, ` +
      `and sun_path holds at most ${SUN_PATH_MAX} on ${process.platform}; use a directory at least ${bytes - SUN_PATH_MAX} bytes shorter`,
  );
}

export function startNativeProxy(options: NativeProxyStart, onEvents: (events: NativeProxyEvent[]) => void): NativeProxyHandle {
  checkSocketPath(options.listen, 'bind');
  checkSocketPath(options.connect, 'connect');
  if (options.type === 'dgram') checkDatagramClientPath(options.listen);
  const native = binding();
  const type = { stream: native.constants.SOCK_STREAM, dgram: native.constants.SOCK_DGRAM, seqpacket: native.constants.SOCK_SEQPACKET }[options.type];
  const result = native.startProxy(
    {
      type,
      listen: Buffer.from(options.listen, 'utf8'),
      connect: Buffer.from(options.connect, 'utf8'),
      seed: options.seed,
      capture: options.capture,
      previewBytes: options.previewBytes,
      c2s: options.c2s,
      s2c: options.s2c,
    },
    onEvents,
  );
  if (typeof result === 'number') {
    const hint = result === errnoOf('EADDRINUSE') ? 'something already exists at that path (the proxy never replaces a file it did not create); choose another path or remove it' : undefined;
    throw syscallError(result, 'bind', options.listen, hint);
  }
  return result;
}
