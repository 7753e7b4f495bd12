import { judgeRun, skippedResult } from '../../src/judge/judge-run';
import type { PlannedRun } from '../../src/plan/types';
import type { PeerRecord, RunRecord } from '../../src/run/types';
import type { PeerEvent } from '../../src/protocol/events';
import type { Scenario } from '../../src/scenario/types';
import { clientGroup, makeScenario, runPeer, stepsPeer } from '../plan/make-scenario';

const plan: PlannedRun = {
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

function peer(id: string, over: Partial<PeerRecord> = {}): PeerRecord {
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

function record(over: Partial<RunRecord> = {}): RunRecord {
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

const pos = { file: '/s/echo.yaml', line: 9, col: 7 };
const scripted = (): Scenario =>
  makeScenario({
    server: stepsPeer([{ step: 'listen', backlog: 16 }, { step: 'accept' }, { step: 'recv', pos }] as never),
    clients: clientGroup(runPeer(['client'])),
  });

const messages = (s: Scenario, r: RunRecord) => judgeRun(s, plan, r).failures.map((f) => [f.code, f.message]);

describe('judgeRun', () => {
  it('passes a clean run and carries the peers and the timeline', () => {
    const timeline: PeerEvent[] = [{ t: 1, peer: 'server', ev: 'listen', step: 0 }];
    const result = judgeRun(scripted(), plan, record({ timeline }));
    expect(result).toMatchObject({ name: 'hand-made', passed: true, failures: [], warnings: [], timeline, durationMs: 12, dir: plan.dir, tags: [] });
    expect(result.peers.map((p) => [p.id, p.role, p.exitCode])).toEqual([
      ['server', 'server', 0],
      ['client', 'client', 0],
    ]);
  });

  it('turns a fail event into STEP_FAILED at the step, without a second failure for its exit 1', () => {
    const timeline: PeerEvent[] = [{ t: 5, peer: 'server', ev: 'fail', step: 2, code: 'RECV_MISMATCH', message: 'received "hullo", expected "hello"' }];
    const result = judgeRun(scripted(), plan, record({ timeline, peers: [peer('server', { exitCode: 1 }), peer('client')] }));
    expect(result.failures).toEqual([
      {
        code: 'STEP_FAILED',
        peer: 'server',
        step: { name: 'recv', index: 2 },
        pos,
        cause: 'RECV_MISMATCH',
        message: 'step 3 (recv) failed: received "hullo", expected "hello"',
      },
    ]);
  });

  it('adds expected and got when the peer message lacks them', () => {
    const timeline: PeerEvent[] = [{ t: 5, peer: 'server', ev: 'fail', step: 1, code: 'PEER_CRED_MISMATCH', message: 'peer uid differs', expected: 0, got: 1000 }];
    expect(messages(scripted(), record({ timeline, peers: [peer('server', { exitCode: 1 }), peer('client')] }))).toEqual([
      ['STEP_FAILED', 'step 2 (accept) failed: peer uid differs (expected 0, got 1000)'],
    ]);
  });

  describe('exits', () => {
    it('says what the code was and what was expected', () => {
      expect(messages(scripted(), record({ peers: [peer('server'), peer('client', { exitCode: 1 })] }))).toEqual([
        ['EXIT_MISMATCH', 'client exited with code 1, expected 0'],
      ]);
    });

    it('names an undeclared signal and how to declare it', () => {
      expect(messages(scripted(), record({ peers: [peer('server', { exitCode: null, signal: 'SIGKILL' }), peer('client')] }))).toEqual([
        ['PEER_CRASHED', 'server was killed by SIGKILL (not declared; declare `exit: { server: SIGKILL }` if intended)'],
      ]);
    });

    it('applies `clients` to every client and lets a peer id override it', () => {
      const s = makeScenario({ server: runPeer(['s']), clients: clientGroup(runPeer(['c']), 3) });
      s.expect.exit = { clients: { code: 2 }, 'client-3': { signal: 'SIGTERM' } };
      const peers = [peer('server'), peer('client-1', { exitCode: 2 }), peer('client-2', { exitCode: 0 }), peer('client-3', { exitCode: 0 })];
      expect(messages(s, record({ peers }))).toEqual([
        ['EXIT_MISMATCH', 'client-2 exited with code 0, expected 2'],
        ['EXIT_MISMATCH', 'client-3 exited with code 0, expected to be killed by SIGTERM'],
      ]);
    });

    it('applies `client` to every client of a group', () => {
      const s = makeScenario({ server: runPeer(['s']), clients: clientGroup(runPeer(['c']), 2) });
      s.expect.exit = { client: { code: 1 } };
      expect(messages(s, record({ peers: [peer('server'), peer('client-1', { exitCode: 1 }), peer('client-2', { exitCode: 1 })] }))).toEqual([]);
    });

    const plannedStop = { from: 'clients' as const, afterMs: 2000, signal: 'SIGTERM', graceMs: 2000, endedAfterMs: 2004, sent: ['SIGTERM'] };
    const stoppedWith = (over: Partial<PeerRecord>): PeerRecord =>
      peer('server', { exitCode: null, signal: null, killedByHarness: true, stoppedBy: 'planned-stop', plannedStop, ...over });

    it('passes a server its planned stop ended by the stop signal, exit 0 or 128 + the signal, when no exit is declared', () => {
      for (const end of [{ signal: 'SIGTERM' }, { exitCode: 0 }, { exitCode: 143 }]) {
        expect(messages(scripted(), record({ peers: [stoppedWith(end), peer('client')] }))).toEqual([]);
      }
    });

    it('holds a server its planned stop ended to a declared exit, saying how it was stopped', () => {
      const s = scripted();
      s.expect.exit = { server: { code: 0 } };
      expect(messages(s, record({ peers: [stoppedWith({ exitCode: 0 }), peer('client')] }))).toEqual([]);
      expect(messages(s, record({ peers: [stoppedWith({ signal: 'SIGTERM' }), peer('client')] }))).toEqual([
        [
          'EXIT_MISMATCH',
          'server was stopped by the harness (SIGTERM 2000 ms after the clients ended) and was killed by SIGTERM, expected 0; a program that must exit 0 handles SIGTERM and exits, or declare `exit: { server: SIGTERM }`',
        ],
      ]);
      s.expect.exit = { server: { signal: 'SIGTERM' } };
      expect(messages(s, record({ peers: [stoppedWith({ signal: 'SIGTERM' }), peer('client')] }))).toEqual([]);
    });

    it('fails a server that needed SIGKILL after its planned stop, or exited with another code', () => {
      const killed = stoppedWith({ signal: 'SIGKILL', plannedStop: { ...plannedStop, endedAfterMs: 4010, sent: ['SIGTERM', 'SIGKILL'] } });
      expect(messages(scripted(), record({ peers: [killed, peer('client')] }))).toEqual([
        [
          'EXIT_MISMATCH',
          'server was stopped by the harness (SIGTERM 2000 ms after the clients ended, then SIGKILL after the 2000 ms grace) and was killed by SIGKILL: it did not end on SIGTERM; handle SIGTERM, name the signal it ends on with `stop: { signal: … }`, or declare `exit: { server: SIGKILL }` if intended',
        ],
      ]);
      expect(messages(scripted(), record({ peers: [stoppedWith({ exitCode: 3 }), peer('client')] }))).toEqual([
        [
          'EXIT_MISMATCH',
          'server was stopped by the harness (SIGTERM 2000 ms after the clients ended) and exited with code 3; a planned stop expects exit code 0, SIGTERM or code 143 (128 + SIGTERM) unless `exit:` says otherwise; declare `exit: { server: 3 }` if intended',
        ],
      ]);
    });

    it('says a peer ended by itself, and when, after its planned stop began', () => {
      const self = peer('server', { exitCode: 1, plannedStop: { ...plannedStop, endedAfterMs: 503, sent: [] } });
      expect(messages(scripted(), record({ peers: [self, peer('client')] }))).toEqual([['EXIT_MISMATCH', 'server ended by itself 503 ms after the clients ended and exited with code 1, expected 0']]);
    });
  });

  describe('output', () => {
    it('reports a pattern that does not match, with what was seen', () => {
      const s = scripted();
      s.expect.stdout = { client: '^ok$' };
      s.expect.stderr = { server: 'warn' };
      expect(messages(s, record({ peers: [peer('server', { stderr: '' }), peer('client', { stdout: 'not ok\n' })] }))).toEqual([
        ['OUTPUT_MISMATCH', 'client stdout does not match /^ok$/ (expect.stdout.client); stdout was: not ok'],
        ['OUTPUT_MISMATCH', 'server stderr does not match /warn/ (expect.stderr.server); stderr was empty'],
      ]);
    });

    it('reports an expectation for a peer that does not exist', () => {
      const s = scripted();
      s.expect.stdout = { 'client-9': 'x' };
      expect(messages(s, record())).toEqual([['OUTPUT_MISMATCH', 'expect.stdout names client-9, which is not a peer of this scenario (peers: server, client)']]);
    });
  });

  describe('cleanup', () => {
    const left = { name: 's.sock', owner: 'server' };
    it('fails, warns or ignores a leftover socket per policy', () => {
      const s = scripted();
      expect(messages(s, record({ leftoverSockets: [left] }))).toEqual([
        ['LEFTOVER_SOCKET', 'socket file s.sock was left in the run directory (leftoverSockets: fail); a well-behaved server unlinks its socket on close'],
      ]);
      s.expect.leftoverSockets = 'warn';
      const warned = judgeRun(s, plan, record({ leftoverSockets: [left] }));
      expect(warned.passed).toBe(true);
      expect(warned.warnings.map((w) => w.code)).toEqual(['LEFTOVER_SOCKET']);
      s.expect.leftoverSockets = 'ignore';
      expect(judgeRun(s, plan, record({ leftoverSockets: [left] })).warnings).toEqual([]);
    });

    it('only warns about a socket whose owner the harness killed at a timeout', () => {
      const r = record({ timedOut: true, leftoverSockets: [{ ...left, ownerStoppedBy: 'timeout' }] });
      const result = judgeRun(scripted(), plan, r);
      expect(result.failures.map((f) => f.code)).toEqual(['TIMEOUT']);
      expect(result.warnings.map((w) => w.message)).toEqual(['socket file s.sock was left behind by server, which the harness killed (timeout); removed']);
    });

    it('reports descriptors a peer leaked', () => {
      const timeline: PeerEvent[] = [{ t: 9, peer: 'client', ev: 'fds', before: 5, after: 7, leaked: [7, 8], leakedTargets: ['/tmp/u/log'] }];
      expect(messages(scripted(), record({ timeline }))).toEqual([
        ['FD_LEAK', 'client ended with 2 descriptors it did not have at start: fd 7 → /tmp/u/log, fd 8 (fdLeaks: fail); close every descriptor received or opened'],
      ]);
    });
  });

  it('reports a timeout once, not also the exits of the peers it killed', () => {
    const peers = [peer('server', { exitCode: null, signal: 'SIGKILL', killedByHarness: true, stoppedBy: 'timeout' }), peer('client')];
    expect(messages(scripted(), record({ timedOut: true, peers }))).toEqual([
      ['TIMEOUT', 'the run exceeded its timeout of 5000 ms; still running and killed: server (it reported no event); raise `timeout:` if the scenario needs longer, or look at the timeline for the step that hung'],
    ]);
  });

  it('names the step a timed-out peer was stuck in, and what it waited for', () => {
    const peers = [peer('server', { exitCode: null, signal: 'SIGTERM', killedByHarness: true, stoppedBy: 'timeout' }), peer('client', { exitCode: null, signal: 'SIGTERM', killedByHarness: true, stoppedBy: 'timeout' })];
    const timeline: PeerEvent[] = [
      { t: 1, peer: 'client', ev: 'connect', step: 0 },
      { t: 2, peer: 'server', ev: 'stopped', step: 2, signal: 'SIGTERM', waitingFor: '5 bytes from the client; got 0', forMs: 4990 },
    ];
    const result = judgeRun(scripted(), plan, record({ timedOut: true, peers, timeline }));
    expect(result.failures).toEqual([
      expect.objectContaining({
        code: 'TIMEOUT',
        peer: 'server',
        step: { name: 'recv', index: 2 },
        pos,
        message:
          'the run exceeded its timeout of 5000 ms; still running and killed: server at step 3 (recv, line 9), waiting for 4990 ms for 5 bytes from the client; got 0; client (its last event: connect); raise `timeout:` if the scenario needs longer, or look at the timeline for the step that hung',
      }),
    ]);
  });

  it('reports harness errors and channel warnings', () => {
    const result = judgeRun(scripted(), plan, record({ harnessErrors: ['removing /x: EBUSY'], warnings: [{ code: 'EVENT_MALFORMED', message: 'client: …' }] }));
    expect(result.failures).toEqual([{ code: 'HARNESS_ERROR', message: 'removing /x: EBUSY' }]);
    expect(result.warnings).toEqual([{ code: 'EVENT_MALFORMED', message: 'client: …' }]);
  });

  it('makes a skipped result that passes with the reason', () => {
    expect(skippedResult(scripted(), 'no seqpacket')).toMatchObject({ passed: true, skipped: 'no seqpacket', failures: [], peers: [] });
    expect(judgeRun(scripted(), { kind: 'skip', scenarioName: 'x', reason: 'why' }, record()).skipped).toBe('why');
  });
});
