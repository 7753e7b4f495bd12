// What a scenario run produces: the judge's verdicts over the run record. Reporters, the CLI and
// the Jest matchers read only this type, so it stays plain JSON (no Buffers, no class instances).

import type { SourcePos } from '../scenario/types';
import type { PeerEvent } from '../protocol/events';
import type { PeerEnd, PlannedStopRecord } from '../run/types';

export type { PeerEnd, PlannedStopRecord };

/** Stable failure codes; a message always says what happened and what was expected. */
export type FailureCode =
  | 'STEP_FAILED' // a scripted step did not meet its declaration (detail in `cause`)
  | 'EXIT_MISMATCH' // a peer exited with another code or signal than expected
  | 'PEER_CRASHED' // a peer was killed by a signal nobody declared
  | 'OUTPUT_MISMATCH' // stdout/stderr pattern not found
  | 'LEFTOVER_SOCKET' // a socket file remained in the run directory
  | 'FD_LEAK' // a peer ended with descriptors it did not have at start
  | 'UNREAD_DATA' // a scripted peer closed a connection with bytes it never read
  | 'TIMEOUT' // the whole run exceeded its timeout; peers were killed
  | 'NOT_READY' // a peer never became ready
  | 'SPAWN_FAILED' // a peer program could not be started
  | 'ORDERING' // messages arrived out of the declared order
  | 'LOSS' // messages never arrived
  | 'DUPLICATES'
  | 'CORRUPTION'
  | 'BOUNDARIES' // message boundaries not preserved
  | 'LATENCY' // `within:` exceeded
  | 'HARNESS_ERROR'; // the harness itself failed (a bug or the machine); message says which

export interface Failure {
  code: FailureCode;
  /** the peer id it concerns, if any */
  peer?: string;
  /** the step name and index, if a step */
  step?: { name: string; index: number };
  /** where in the scenario file to look */
  pos?: SourcePos;
  message: string;
  /** the finer code from the peer (e.g. RECV_MISMATCH) or the errno */
  cause?: string;
}

export interface PeerOutcome {
  id: string;
  role: 'server' | 'client';
  pid?: number;
  /** exit code, or null when killed by a signal */
  exitCode: number | null;
  signal: string | null;
  /** the harness signalled it while it still ran (a planned stop, the timeout, an abort, teardown) */
  killedByHarness: boolean;
  /** who ended it: `self`, `planned-stop`, `timeout`, `aborted`, `not-ready`, `teardown`, or `not-started` */
  end: PeerEnd;
  /** present when its planned stop (`stop:`) began: the policy, what was sent, and when it ended */
  plannedStop?: PlannedStopRecord;
  stdout: string;
  stderr: string;
  argv: string[];
}

export interface Warning {
  code: string;
  message: string;
}

export interface ScenarioResult {
  name: string;
  file?: string;
  passed: boolean;
  /** set when the scenario was not run (unsupported platform); `passed` is true then */
  skipped?: string;
  failures: Failure[];
  warnings: Warning[];
  peers: PeerOutcome[];
  /** every event of every peer, merged and ordered by `t`, plus harness events (peer: 'harness') */
  timeline: PeerEvent[];
  /** wall time of the run in ms */
  durationMs: number;
  /** the run directory (already removed when the result is returned) */
  dir?: string;
  tags: string[];
  /** the one-way latency bound the scenario declared (`expect: { within }`), drawn on the report's latency picture */
  withinMs?: number;
}
