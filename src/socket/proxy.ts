// The forwarding proxy's native engine, typed: binds the listening path (a refusal is a
// SocketError with its errno and the path), and hands every batch of events to `onEvents`.
// Options and faults are validated before this (src/proxy/faults.ts); this only crosses over.
import { binding } from './binding';
import type { NativeProxyEvent, NativeProxyFaults, NativeProxyHandle } from './binding';
import { checkSocketPath } from './address';
import { errnoOf, syscallError } from './errors';
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

export function startNativeProxy(options: NativeProxyStart, onEvents: (events: NativeProxyEvent[]) => void): NativeProxyHandle {
  checkSocketPath(options.listen, 'bind');
  checkSocketPath(options.connect, 'connect');
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
