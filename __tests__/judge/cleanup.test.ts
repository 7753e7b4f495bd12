// src/judge/cleanup.ts: socket files left in the run directory, per `leftoverSockets`.
import { judgeRun } from '../../src/judge/judge-run';
import { plan, record, scripted, messages } from './records';

describe('cleanup verdicts', () => {
  const left = { name: 's.sock', owner: 'server' };
  it('fails, warns or ignores a leftover socket per policy', () => {
    const s = scripted();
    expect(messages(s, record({ leftoverSockets: [left] }))).toEqual([
      ['LEFTOVER_SOCKET', 'socket file s.sock was left in the run directory (expect: { leftoverSockets: fail }); a well-behaved server unlinks its socket on close'],
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
});
