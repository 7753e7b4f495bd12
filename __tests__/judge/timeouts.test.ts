// src/judge/timeouts.ts: a run that exceeded its timeout, reported once, naming where each peer was.
import { judgeRun } from '../../src/judge/judge-run';
import type { PeerEvent } from '../../src/protocol/events';
import { plan, peer, record, pos, scripted, messages } from './records';

describe('timeout verdicts', () => {
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
});
