// src/judge/descriptors.ts: descriptors a scripted peer ended with that it did not start with.
import { descriptorVerdict } from '../../src/judge/descriptors';
import type { JudgeInput } from '../../src/judge';
import type { PeerEvent } from '../../src/protocol/events';
import { record, scripted, messages } from './records';

describe('descriptor verdicts', () => {
  it('reports descriptors a peer leaked', () => {
    const timeline: PeerEvent[] = [{ t: 9, peer: 'client', ev: 'fds', before: 5, after: 7, leaked: [7, 8], leakedTargets: ['/tmp/u/log'] }];
    expect(messages(scripted(), record({ timeline }))).toEqual([
      ['FD_LEAK', 'client ended with 2 descriptors it did not have at start: fd 7 → /tmp/u/log, fd 8 (fdLeaks: fail); close every descriptor received or opened'],
    ]);
  });

  it('names each leaked descriptor and what it refers to', () => {
    const input = {
      scenario: { expect: { fdLeaks: 'fail' } },
      record: { timeline: [{ t: 1, peer: 'server', ev: 'fds', before: 12, after: 14, leaked: [7, 9], leakedTargets: ['/tmp/u1/log', 'pipe:[1234]'] }] },
    } as unknown as JudgeInput;
    expect(descriptorVerdict(input).failures).toEqual([
      { code: 'FD_LEAK', peer: 'server', message: 'server ended with 2 descriptors it did not have at start: fd 7 → /tmp/u1/log, fd 9 → pipe:[1234] (fdLeaks: fail); close every descriptor received or opened' },
    ]);
  });

  it('leaves a leak the peer already failed on to the step verdict, and warns under fdLeaks: warn', () => {
    const timeline = [
      { t: 1, peer: 'server', ev: 'fail', code: 'FD_LEAK' },
      { t: 2, peer: 'server', ev: 'fds', leaked: [7] },
      { t: 3, peer: 'client', ev: 'fds', leaked: [8] },
    ];
    const warn = descriptorVerdict({ scenario: { expect: { fdLeaks: 'warn' } }, record: { timeline } } as unknown as JudgeInput);
    expect(warn.failures).toEqual([]);
    expect(warn.warnings).toEqual([{ code: 'FD_LEAK', message: expect.stringContaining('client ended with 1 descriptor it did not have at start: fd 8') }]);
  });
});
