// What the verdict tests share: a hand-made plan and run record (no processes: the verdicts are
// pure functions of the scenario, the plan and the record), and the failures as [code, message].
import { judgeRun } from '../../src/judge/judge-run';
import type { PlannedRun } from '../../src/plan/types';
import type { PeerRecord, RunRecord } from '../../src/run/types';
import type { Scenario } from '../../src/scenario/types';
import { clientGroup, makeScenario, runPeer, stepsPeer } from '../plan/make-scenario';

export const plan: PlannedRun = {
  kind: 'run',
  scenarioName: 'hand-made',
  dir: '/tmp/u/r-1',
  runId: 'r-1',
  socket: { type: 'stream', address: 'path', path: '/tmp/u/r-1/s.sock' },
  files: {},
  writes: [],
  peers: [],
  timeouts: { runMs: 5000, graceMs: 2000 },
};

export function peer(id: string, over: Partial<PeerRecord> = {}): PeerRecord {
  return {
    id,
    role: id === 'server' ? 'server' : 'client',
    argv: ['prog'],
    pid: 100,
    started: true,
    exitCode: 0,
    signal: null,
    killedByHarness: false,
    end: over.stoppedBy ?? 'self',
    stdout: '',
    stderr: '',
    ...over,
  };
}

export function record(over: Partial<RunRecord> = {}): RunRecord {
  return {
    dir: plan.dir,
    startedAt: 0,
    durationMs: 12,
    peers: [peer('server'), peer('client')],
    timeline: [],
    leftoverSockets: [],
    timedOut: false,
    aborted: false,
    timeoutMs: 5000,
    warnings: [],
    harnessErrors: [],
    ...over,
  };
}

export const pos = { file: '/s/echo.yaml', line: 9, col: 7 };
export const scripted = (): Scenario =>
  makeScenario({
    server: stepsPeer([{ step: 'listen', backlog: 16 }, { step: 'accept' }, { step: 'recv', pos }] as never),
    clients: clientGroup(runPeer(['client'])),
  });

export const messages = (s: Scenario, r: RunRecord) => judgeRun(s, plan, r).failures.map((f) => [f.code, f.message]);
