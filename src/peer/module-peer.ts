// Module peers (`module: ./peer.ts`): for what steps cannot express, a user module's default
// export runs in the scripted peer with the typed socket API. Its helpers are the steps
// themselves, so a module's listen/connect/waitFor emit the same events, honour the same timeouts
// and are cleaned up the same way as a scripted peer's.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PeerEvent } from '../protocol/events';
import { DEFAULT_STEP_TIMEOUT_MS, type Step } from '../scenario/types';
import { UnixSocket } from '../socket';
import { StepFailure } from './errors';
import { runStep } from './runner';
import type { PeerRuntime } from './runtime';

/** What a module peer's default export receives. */
export interface ModulePeerContext {
  /** `server`, `client` or `client-N` */
  id: string;
  role: 'server' | 'client';
  socket: { type: UnixSocket['type']; address: 'path' | 'abstract' | 'pair'; path?: string };
  /** the run directory, and the declared files by name */
  dir: string;
  files: Record<string, string>;
  /** the socket class, for anything the helpers do not cover */
  UnixSocket: typeof UnixSocket;
  /** binds the scenario's address and listens (datagram: binds); emits `listen` */
  listen(backlog?: number): Promise<UnixSocket>;
  /** accepts one connection on the listening socket; emits `accept` */
  accept(): Promise<UnixSocket>;
  /** connects to the scenario's socket (or `to`); emits `connect` */
  connect(to?: string): Promise<UnixSocket>;
  /** the inherited socketpair end (address: pair) */
  pairEnd(): UnixSocket | undefined;
  /** writes an event to the timeline, e.g. emit('ready') for `ready: { event: ready }` */
  emit(ev: string, details?: Record<string, unknown>): void;
  /** waits until `peer` has emitted `event` (`count` times) */
  waitFor(peer: string, event: string, options?: { count?: number; timeoutMs?: number }): Promise<void>;
  /** every event seen so far, this peer's and the others' */
  events(): readonly PeerEvent[];
}

export type ModulePeer = (context: ModulePeerContext) => unknown;

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

type Esbuild = typeof import('esbuild');

/**
 * esbuild is an optional peer dependency (only TypeScript module peers need it): looked up from
 * this package, then from the module's own directory (the user's project).
 */
function findEsbuild(file: string): Esbuild | undefined {
  for (const from of [__filename, file]) {
    try {
      return createRequire(from)('esbuild') as Esbuild;
    } catch {
      // not installed where this looks
    }
  }
  return undefined;
}

/** Node strips TypeScript types itself from 22.18 and 23.6 on (`process.features.typescript`). */
function nodeStripsTypes(): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript);
}

/**
 * TypeScript modules are bundled to CommonJS in the run directory first, with esbuild where it is
 * installed, loaded without its worker thread so that it leaves no helper process or descriptor
 * behind to pass for a leak; where it is not and Node strips types itself, Node loads the file.
 */
function loadable(file: string, dir: string, id: string): string {
  if (!TS_EXTENSIONS.has(path.extname(file))) return file;
  process.env.ESBUILD_WORKER_THREADS = '0';
  const esbuild = findEsbuild(file);
  if (!esbuild) {
    if (nodeStripsTypes()) return file;
    throw new StepFailure(
      'UNEXPECTED_ERROR',
      `module ${file} is TypeScript, and this Node (${process.version}) cannot run TypeScript by itself: install esbuild (npm install --save-dev esbuild), which uds-fixture uses to compile module peers, or use Node 22.18 / 23.6 or newer`,
    );
  }
  const outfile = path.join(dir, `.module-${id}.cjs`);
  esbuild.buildSync({ entryPoints: [file], outfile, bundle: true, packages: 'external', platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent' });
  return outfile;
}

/** Loads (and for TypeScript, compiles) the module; done before the peer's descriptor snapshot. */
export function loadModule(file: string, dir: string, id: string): ModulePeer {
  let mod: unknown;
  const target = loadable(file, dir, id);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(target);
  } catch (err) {
    throw new StepFailure('UNEXPECTED_ERROR', `module ${file} could not be loaded: ${(err as Error).message}`);
  }
  const fn = (mod as { default?: unknown }).default ?? mod;
  if (typeof fn !== 'function') {
    throw new StepFailure('UNEXPECTED_ERROR', `module ${file} must export a function (export default async function (peer) { ... }); it exports ${typeof fn}`);
  }
  return fn as ModulePeer;
}

export async function runModulePeer(fn: ModulePeer, peer: PeerRuntime): Promise<void> {
  let index = 0;
  const step = async (s: Record<string, unknown>) => runStep({ index: -1 - index++, ...s } as unknown as Step, peer);
  const context: ModulePeerContext = {
    id: peer.launch.id,
    role: peer.launch.role,
    socket: { type: peer.launch.socket.type, address: peer.launch.socket.address, path: peer.launch.socket.path },
    dir: peer.launch.dir,
    files: peer.launch.files,
    UnixSocket,
    async listen(backlog = 128) {
      await step({ step: 'listen', backlog });
      return peer.listener ?? peer.current!.sock;
    },
    async accept() {
      await step({ step: 'accept' });
      return peer.current!.sock;
    },
    async connect(to) {
      await step({ step: 'connect', ...(to === undefined ? {} : { to }) });
      return peer.current!.sock;
    },
    pairEnd: () => (peer.launch.socket.address === 'pair' ? peer.current?.sock : undefined),
    emit: (ev, details) => peer.emit(ev, details),
    async waitFor(other, event, options = {}) {
      await step({ step: 'waitFor', peer: other, event, count: options.count ?? 1, timeoutMs: options.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS });
    },
    events: () => peer.log.all(),
  };
  await fn(context);
}
