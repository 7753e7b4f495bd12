// A running forwarding proxy: start it (the listening path is bound when this returns), read its
// events as they come, stop it (the listening path it bound is removed). AsyncDisposable, so
// `await using proxy = startProxy(...)` stops it on every way out of a block.
import { randomInt } from 'node:crypto';
import path from 'node:path';

import type { SocketType } from '../socket/api';
import { startNativeProxy } from '../socket/proxy';
import type { NativeProxyEvent } from '../socket/proxy';
import { normalizeFaults, usesSeed } from '../scenario/proxy-faults';
import type { FaultPath } from '../scenario/proxy-faults';
import { toProxyEvent, toProxyStats } from './events';
import { ProxyTally } from './tally';
import type { ProxyEvent, ProxyFaultsInput, ProxyStats } from './types';
import type { ProxyFaults } from '../scenario/types';

export interface ProxyOptions {
  /** the path clients connect to; the proxy binds it and refuses one that exists */
  listen: string;
  /** the server's path */
  connect: string;
  type?: SocketType;
  seed?: number;
  /** report every forwarded message (default false: connections and faults only) */
  capture?: boolean;
  /** how many bytes of each message the `preview` shows (default 64) */
  previewBytes?: number;
  toServer?: ProxyFaultsInput;
  toClient?: ProxyFaultsInput;
  /** faults already normalized (a scenario's, checked by its loader), instead of toServer/toClient */
  normalized?: { toServer: ProxyFaults; toClient: ProxyFaults };
  /** called for every event, in order */
  onEvent?: (event: ProxyEvent) => void;
}

export interface ProxyStopped {
  seed: number;
  /** whether the listening path was removed (false when something else replaced it meanwhile) */
  removedListenPath: boolean;
  stats: ProxyStats;
}

/** Faults the proxy cannot apply, each with the option path and what to write instead. */
export class ProxyOptionsError extends Error {
  readonly code = 'ERR_UDS_PROXY_OPTIONS';
  constructor(readonly problems: { at: FaultPath; message: string; hint?: string }[]) {
    super(problems.map((p) => `${p.at.join('.')}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`).join('\n'));
    this.name = 'ProxyOptionsError';
  }
}

/** Validates both directions' faults; throws ProxyOptionsError naming every problem. */
export function nativeFaults(type: SocketType, toServer: unknown, toClient: unknown): { c2s: ProxyFaults; s2c: ProxyFaults } {
  const problems: { at: FaultPath; message: string; hint?: string }[] = [];
  const report = (at: FaultPath, message: string, hint?: string) => problems.push({ at, message, ...(hint ? { hint } : {}) });
  const c2s = normalizeFaults(toServer, type, ['toServer'], report);
  const s2c = normalizeFaults(toClient, type, ['toClient'], report);
  if (problems.length > 0) throw new ProxyOptionsError(problems);
  return { c2s, s2c };
}

/** The seed as the scenario's schema takes it: a whole number the native engine holds exactly. */
function checkSeed(seed: unknown): void {
  if (typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0) return;
  throw new ProxyOptionsError([{ at: ['seed'], message: `must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}, got \`${typeof seed === 'string' ? JSON.stringify(seed) : String(seed)}\``, hint: 'e.g. `seed: 42`; leave it out for one picked and reported' }]);
}

/** A proxy connecting to its own listening path would forward each connection to itself, without end. */
function checkNotItself(listen: string, connect: string): void {
  if (path.resolve(listen) !== path.resolve(connect)) return;
  throw new ProxyOptionsError([{ at: ['connect'], message: `is the listening path ${listen} itself: every connection would be forwarded to the proxy again, without end`, hint: 'connect to the server\'s path' }]);
}

export class Proxy implements AsyncDisposable {
  readonly listen: string;
  readonly connect: string;
  readonly type: SocketType;
  readonly seed: number;
  /** whether any fault draws on the seed */
  readonly seeded: boolean;
  /** each direction's faults, checked and normalized */
  readonly faults: { toServer: ProxyFaults; toClient: ProxyFaults };
  readonly stopped: Promise<ProxyStopped>;
  private readonly handle: { stop(): void; stats(): import('../socket/proxy').NativeProxyStats };
  private readonly tally: ProxyTally;

  constructor(options: ProxyOptions) {
    this.listen = options.listen;
    this.connect = options.connect;
    this.type = options.type ?? 'stream';
    this.seed = options.seed ?? randomInt(1, 2 ** 31);
    checkSeed(this.seed);
    checkNotItself(this.listen, this.connect);
    const faults = options.normalized ? { c2s: options.normalized.toServer, s2c: options.normalized.toClient } : nativeFaults(this.type, options.toServer, options.toClient);
    this.seeded = usesSeed(faults.c2s) || usesSeed(faults.s2c);
    this.faults = { toServer: faults.c2s, toClient: faults.s2c };
    const tally = (this.tally = new ProxyTally(options.capture ?? false));
    let settle!: (stopped: ProxyStopped) => void;
    this.stopped = new Promise((resolve) => (settle = resolve));
    const onEvent = options.onEvent;
    const onEvents = (batch: NativeProxyEvent[]) => {
      for (const native of batch) {
        const event = toProxyEvent(native);
        tally.add(event);
        if (native.ev === 'stopped') {
          settle({ seed: this.seed, removedListenPath: native.detail === 'removed', stats: tally.complete(toProxyStats(native.stats!)) });
        }
        // The callback runs inside the engine's native callback: an exception left there ended the
        // batch and kept every later one from coming (stop() never resolved). It is thrown on a
        // turn of its own instead, an uncaught exception as any, and the events go on.
        try {
          onEvent?.(event);
        } catch (err) {
          process.nextTick(() => {
            throw err;
          });
        }
      }
    };
    this.handle = startNativeProxy(
      { type: this.type, listen: this.listen, connect: this.connect, seed: this.seed, capture: options.capture ?? false, previewBytes: options.previewBytes ?? 64, ...faults },
      onEvents,
    );
  }

  /** Counters so far. */
  stats(): ProxyStats {
    return this.tally.complete(toProxyStats(this.handle.stats()));
  }

  /** Stops accepting and forwarding, closes every connection, removes the listening path it bound. */
  stop(): Promise<ProxyStopped> {
    this.handle.stop();
    return this.stopped;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** Starts a proxy; throws SocketError when the listening path cannot be bound, ProxyOptionsError for bad faults. */
export function startProxy(options: ProxyOptions): Proxy {
  return new Proxy(options);
}
