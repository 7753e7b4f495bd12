// src/judge/harness.ts: the harness's own errors, and the event channel's warnings.
import { judgeRun } from '../../src/judge/judge-run';
import { plan, record, scripted } from './records';

describe('harness verdicts', () => {
  it('reports harness errors and channel warnings', () => {
    const result = judgeRun(scripted(), plan, record({ harnessErrors: ['removing /x: EBUSY'], warnings: [{ code: 'EVENT_MALFORMED', message: 'client: …' }] }));
    expect(result.failures).toEqual([{ code: 'HARNESS_ERROR', message: 'removing /x: EBUSY' }]);
    expect(result.warnings).toEqual([{ code: 'EVENT_MALFORMED', message: 'client: …' }]);
  });
});
