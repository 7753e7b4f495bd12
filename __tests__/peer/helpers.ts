// Runs real scripted peers (the bundled src/peer/main.ts) the way the harness does: a launch file,
// the event channel on fd 3, and a relay on fd 5 that hands every peer's events to every peer.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { EVENTS_FD, RELAY_FD, type PeerEvent, type PeerLaunch } from '../../src/protocol/events';
import type { Payload, SocketType, AddressKind, Step } from '../../src/scenario/types';
import { childScript } from '../helpers/child-script';

/** A step as tests write it: the normalized shape without its index. */
export type StepSpec = Step extends infer S ? (S extends Step ? Omit<S, 'index'> : never) : never;

export function text(value: string): Payload & { kind: 'bytes' } {
  return { kind: 'bytes', base64: Buffer.from(value).toString('base64'), source: 'text' };
}

export interface LaunchSpec {
  id: string;
  role?: 'server' | 'client';
  steps: StepSpec[];
  socket?: { type?: SocketType; address?: AddressKind; path?: string; fd?: number };
  files?: Record<string, string>;
  ownPath?: string;
  peerPaths?: Record<string, string>;
  fdAccounting?: boolean;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const WAIT_MS = 10_000;

export class PeerProcess {
  readonly events: PeerEvent[] = [];
  stderr = '';
  readonly exited: Promise<Exit>;
  private readonly listeners = new Set<(event: PeerEvent) => void>();
  private exit?: Exit;

  constructor(
    readonly id: string,
    readonly child: ChildProcess,
  ) {
    // 'close', not 'exit': it comes after every stdio stream, the event channel included, has
    // ended, so no event the peer wrote before exiting is still in the pipe.
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exit = { code, signal };
      });
      child.on('close', (code, signal) => resolve(this.exit ?? { code, signal }));
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (this.stderr += chunk));
    const channel = child.stdio[EVENTS_FD] as Readable | null;
    if (channel) {
      let partial = '';
      channel.setEncoding('utf8');
      channel.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line) this.receive(JSON.parse(line) as PeerEvent);
      });
      // Everything the peer wrote has been read: done with the channel (the child's 'close' waits for it).
      channel.on('end', () => channel.destroy());
    }
    // A relayed line written just after the peer exited fails (EPIPE) and ends the relay only.
    this.relayChannel?.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') throw err;
    });
    // Never read (the peer writes nothing there): its end-of-file must not hold up 'close'.
    (this.relayChannel as unknown as Readable | undefined)?.resume();
  }

  /** The harness's end of the relay (fd 5): what the peer reads as other peers' events. */
  get relayChannel(): Writable | undefined {
    return ((this.child.stdio as unknown as Array<Writable | null>)[RELAY_FD] ?? undefined) as Writable | undefined;
  }

  onEvent(listener: (event: PeerEvent) => void): void {
    this.listeners.add(listener);
  }

  /** Write an event to the peer as the harness relays it. */
  relay(event: PeerEvent): void {
    const relay = this.relayChannel;
    if (this.exit || !relay || relay.destroyed || !relay.writable) return;
    relay.write(JSON.stringify(event) + '\n');
  }

  /** The first event named `ev` (already written or still to come), bounded in time. */
  waitForEvent(ev: string, timeoutMs = WAIT_MS): Promise<PeerEvent> {
    const found = this.events.find((e) => e.ev === ev);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`peer ${this.id} wrote no "${ev}" event within ${timeoutMs} ms; it wrote: ${this.events.map((e) => e.ev).join(', ')}; stderr: ${this.stderr}`));
      }, timeoutMs);
      const listener = (event: PeerEvent): void => {
        if (event.ev !== ev) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(event);
      };
      this.listeners.add(listener);
    });
  }

  /** The exit status, bounded in time. */
  async waitForExit(timeoutMs = WAIT_MS): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`peer ${this.id} did not exit within ${timeoutMs} ms; events: ${this.events.map((e) => e.ev).join(', ')}; stderr: ${this.stderr}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Exit status with the peer's `fail` events and stderr, so a failed assertion shows why. */
  async outcome(timeoutMs = WAIT_MS): Promise<Exit & { fails: PeerEvent[]; stderr: string }> {
    const exit = await this.waitForExit(timeoutMs);
    return { ...exit, fails: this.named('fail'), stderr: this.stderr };
  }

  named(ev: string): PeerEvent[] {
    return this.events.filter((e) => e.ev === ev);
  }

  private receive(event: PeerEvent): void {
    this.events.push(event);
    for (const listener of [...this.listeners]) listener(event);
  }
}

/**
 * One test's world: a short temp directory (sun_path is small) and the peers started in it.
 * `dispose()` kills whatever still runs and removes the directory; call it in `finally`.
 */
export class PeerWorld {
  readonly dir: string;
  readonly socketPath: string;
  private readonly peers: PeerProcess[] = [];

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'udsp-'));
    this.socketPath = path.join(this.dir, 's.sock');
  }

  launch(spec: LaunchSpec, type: SocketType = 'stream'): PeerLaunch {
    return {
      protocol: 1,
      id: spec.id,
      role: spec.role ?? (spec.id === 'server' ? 'server' : 'client'),
      socket: { type: spec.socket?.type ?? type, address: spec.socket?.address ?? 'path', path: spec.socket?.path ?? this.socketPath, fd: spec.socket?.fd },
      dir: this.dir,
      files: spec.files ?? {},
      ownPath: spec.ownPath ?? path.join(this.dir, `${spec.id}.sock`),
      peerPaths: spec.peerPaths ?? {},
      steps: spec.steps.map((s, index) => ({ ...s, index }) as Step),
      fdAccounting: spec.fdAccounting ?? false,
    };
  }

  /**
   * Start one peer; `fd3` = 'ignore' starts it without its event channels (fd 3 and the relay at
   * fd 5); `pairFd`, a descriptor of this process, becomes the child's fd 4 (an inherited
   * socketpair end for `address: pair`).
   */
  start(spec: LaunchSpec, type: SocketType = 'stream', fd3: 'pipe' | 'ignore' = 'pipe', pairFd?: number): PeerProcess {
    const file = path.join(this.dir, `${spec.id}.launch.json`);
    fs.writeFileSync(file, JSON.stringify(this.launch(spec, type)));
    const child = spawn(process.execPath, [childScript('src/peer/main.ts'), file], { stdio: ['ignore', 'pipe', 'pipe', fd3, pairFd ?? 'ignore', fd3] });
    const peer = new PeerProcess(spec.id, child);
    this.peers.push(peer);
    return peer;
  }

  /** Start peers that see each other's events, as under the harness. */
  startRelayed(specs: LaunchSpec[], type: SocketType = 'stream'): PeerProcess[] {
    const peers = specs.map((spec) => this.start(spec, type));
    for (const from of peers) from.onEvent((event) => peers.forEach((to) => to.relay(event)));
    return peers;
  }

  /** Files left in the run directory, launch files aside. */
  leftovers(): string[] {
    return fs.readdirSync(this.dir).filter((name) => !name.endsWith('.launch.json'));
  }

  async dispose(): Promise<void> {
    for (const peer of this.peers) {
      if (peer.child.exitCode === null && peer.child.signalCode === null) {
        peer.child.kill('SIGKILL');
        await peer.exited;
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function inWorld(body: (world: PeerWorld) => Promise<void>): Promise<void> {
  const world = new PeerWorld();
  try {
    await body(world);
  } finally {
    await world.dispose();
  }
}

/** What `outcome()` of a peer that completed every step looks like. */
export const SUCCEEDED = { code: 0, signal: null, fails: [], stderr: '' };

export const itLinux = process.platform === 'linux' ? it : it.skip;
