// What a run records: facts only, no verdicts (the judge decides what they mean). Plain JSON.

import type { PeerEvent } from '../protocol/events';
import type { PeerRole } from '../plan/types';
import type { ChannelWarning } from './event-channel';
import type { StopReason } from './spawn';
import type { LeftoverSocket } from './teardown';

export type { LeftoverSocket, StopReason, ChannelWarning };

/**
 * How a peer's process ended, from the harness's side: by itself (`self`, whatever its exit),
 * by its planned stop (`planned-stop`: the harness sent its `stop.signal`), or stopped when the
 * run ended otherwise (`timeout`, `aborted`, `not-ready`, `teardown`); `not-started` when it never ran.
 */
export type PeerEnd = 'self' | 'not-started' | StopReason;

/** A planned stop that began: the others were done while the peer still ran. */
export interface PlannedStopRecord {
  /** what `afterMs` counted from: every client ended (a server), or the server ended (a client) */
  from: 'clients' | 'server';
  afterMs: number;
  signal: string;
  graceMs: number;
  /** ms from the others being done to the peer's exit; absent when the run stopped first */
  endedAfterMs?: number;
  /** what the harness sent under the policy, in order: nothing (it ended by itself), `signal`, then SIGKILL */
  sent: string[];
}

export interface PeerRecord {
  id: string;
  role: PeerRole;
  argv: string[];
  pid?: number;
  /** false when the peer was never spawned (the server was not ready, or the run stopped first) */
  started: boolean;
  exitCode: number | null;
  signal: string | null;
  /** the harness signalled it while it still ran */
  killedByHarness: boolean;
  /** why the harness stopped it, when it did */
  stoppedBy?: StopReason;
  end: PeerEnd;
  /** present when its planned stop began (see `stop:`), whether it then ended by itself or was stopped */
  plannedStop?: PlannedStopRecord;
  stdout: string;
  stderr: string;
  spawnError?: { code: string; message: string };
}

export interface NotReadyRecord {
  peer: string;
  /** what was awaited, e.g. `socket /tmp/…/s.sock` */
  waitedFor: string;
  message: string;
}

export interface RunRecord {
  dir: string;
  /** ms since the epoch */
  startedAt: number;
  durationMs: number;
  peers: PeerRecord[];
  /** every event, merged and ordered by `t`, harness events included (peer 'harness') */
  timeline: PeerEvent[];
  /** socket files found in the run directory at teardown (then removed) */
  leftoverSockets: LeftoverSocket[];
  timedOut: boolean;
  aborted: boolean;
  timeoutMs: number;
  notReady?: NotReadyRecord;
  /** lines of the event channel that were not events, and the like */
  warnings: ChannelWarning[];
  /** failures of the harness itself (teardown problems, an unexpected exception) */
  harnessErrors: string[];
}
