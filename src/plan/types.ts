// What planning produces: everything a run needs, resolved. Plain data computed from the scenario
// and the options, so a plan can be printed and inspected: planning makes nothing on disk. The
// run makes `dir` and `writes`, and removes them (src/run/execute.ts).

import type { SourcePos, SocketType, AddressKind, ProxySpec } from '../scenario/types';

/** The forwarding proxy between clients and server (scenario `proxy:`). */
export interface PlannedProxy extends ProxySpec {
  /** where clients connect (their `${socket}`) */
  listen: string;
  /** the server's address */
  connect: string;
  type: SocketType;
}

export type PeerRole = 'server' | 'client';

/** A socket address the harness probes for readiness. */
export type ProbeAddress = { path: string } | { abstract: string };

export type ReadinessPlan =
  | { kind: 'none' }
  /** the address accepts a connection (stream/seqpacket) or a connected datagram socket (dgram) */
  | { kind: 'socket'; address: ProbeAddress; type: SocketType }
  | { kind: 'stdout'; pattern: string }
  | { kind: 'event'; event: string };

/** When and how the harness stops a peer that has not ended once the others are done (src/plan/stop.ts). */
export interface StopPlan {
  /** what the peer's `after` counts from: a server's every client ended, or a client's server ended */
  from: 'clients' | 'server';
  afterMs: number;
  /** sent to the peer's process group when `afterMs` has passed */
  signal: string;
  /** between `signal` and SIGKILL */
  graceMs: number;
}

export interface PeerPlan {
  /** `server`, `client`, or `client-N` */
  id: string;
  role: PeerRole;
  program: 'steps' | 'run';
  /** argv[0] is the program, absolute or a bare name looked up in PATH; no shell */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  ready: ReadinessPlan;
  readyTimeoutMs: number;
  /** the socket file this peer is expected to create (and unlink on close) */
  ownPath: string;
  /** the PeerLaunch file, for scripted peers (its contents are among the plan's `writes`) */
  launchFile?: string;
  /** which end of the socketpair this peer inherits at fd 4, for address: pair */
  pairEnd?: 0 | 1;
  /** absent: the peer runs until it ends by itself or the run stops */
  stop?: StopPlan;
  pos?: SourcePos;
}

export interface PlanTimeouts {
  /** the whole run, from the first spawn to the last exit */
  runMs: number;
  /** between SIGTERM and SIGKILL at teardown */
  graceMs: number;
}

/** A file the run writes into its directory before the peers start. */
export interface PlannedFile {
  path: string;
  bytes: Uint8Array | string;
  mode: number;
}

export interface PlannedRun {
  kind: 'run';
  scenarioName: string;
  /** the temp base as the caller gave it (undefined: UDS_FIXTURE_TMPDIR or the default), which the run checks and makes */
  tmpBase?: string;
  /** the run directory (0700): the run makes it at this path and removes it at teardown */
  dir: string;
  runId: string;
  socket: {
    type: SocketType;
    address: AddressKind;
    /** absolute path, for address: path */
    path?: string;
    /** name without the leading NUL, for address: abstract */
    abstract?: string;
  };
  /** declared files: name → absolute path in the run directory */
  files: Record<string, string>;
  /** the declared files and the scripted peers' launch files, with their contents */
  writes: PlannedFile[];
  /** clients connect to this proxy, which connects to `socket` */
  proxy?: PlannedProxy;
  /** the server first (if any), then the clients in id order */
  peers: PeerPlan[];
  timeouts: PlanTimeouts;
}

export interface SkippedRun {
  kind: 'skip';
  scenarioName: string;
  reason: string;
}

export type RunPlan = PlannedRun | SkippedRun;

export interface PlanOptions {
  /** whole-run timeout in ms; overrides the scenario's `timeout` */
  timeout?: number;
  /** base directory for run directories (default /tmp/uds-fixture-<uid>, or env UDS_FIXTURE_TMPDIR); runs go in a private uds-fixture-<uid> inside a base others can write to */
  tmpBase?: string;
  /** extra environment for every peer, under the declared env */
  env?: Record<string, string>;
  /** grace between SIGTERM and SIGKILL at teardown, ms (default 2000) */
  graceMs?: number;
  /** how long the harness waits for the server to be ready, ms (default: 10 s, at most the run timeout) */
  readyTimeout?: number;
  /** the scripted peer program (default: dist/peer.cjs of this package) */
  peerProgram?: string;
  /** the run directory's name (default: a fresh `r-<pid>-<random>`) */
  runName?: string;
}
