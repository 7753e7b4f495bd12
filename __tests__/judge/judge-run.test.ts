// judgeRun (src/judge/judge-run.ts): the verdict families in order over one record, into a result
// that carries the peers and the timeline; a skipped plan gives a passing result with the reason.
import { judgeRun, skippedResult } from '../../src/judge/judge-run';
import type { PeerEvent } from '../../src/protocol/events';
import { plan, record, scripted } from './records';

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

  it('makes a skipped result that passes with the reason', () => {
    expect(skippedResult(scripted(), 'no seqpacket')).toMatchObject({ passed: true, skipped: 'no seqpacket', failures: [], peers: [] });
    expect(judgeRun(scripted(), { kind: 'skip', scenarioName: 'x', reason: 'why' }, record()).skipped).toBe('why');
  });
});
