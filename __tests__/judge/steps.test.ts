// src/judge/steps.ts: a peer's `fail` event becomes STEP_FAILED at its step and position.
import { judgeRun } from '../../src/judge/judge-run';
import type { PeerEvent } from '../../src/protocol/events';
import { plan, peer, record, pos, scripted, messages } from './records';

describe('step verdicts', () => {
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

  it('does not show again, escaped twice, what the message already shows (a `match` mismatch)', () => {
    // What the scripted peer writes when `recv: { match: "^OK \\d+$" }` gets "NO\nthing".
    const got = '"NO\\nthing"';
    const timeline: PeerEvent[] = [
      { t: 5, peer: 'server', ev: 'fail', step: 1, code: 'RECV_MISMATCH', message: `recv from the client got text that does not match /^OK \\d+$/; got ${got}`, expected: '/^OK \\d+$/', got },
    ];
    expect(messages(scripted(), record({ timeline, peers: [peer('server', { exitCode: 1 }), peer('client')] }))).toEqual([
      ['STEP_FAILED', 'step 2 (accept) failed: recv from the client got text that does not match /^OK \\d+$/; got "NO\\nthing"'],
    ]);
  });

  it('escapes once a raw string a program gave in its own fail event', () => {
    const timeline: PeerEvent[] = [{ t: 5, peer: 'server', ev: 'fail', step: 1, message: 'wrong greeting', expected: 'hello\n', got: 'hullo\n' }];
    expect(messages(scripted(), record({ timeline, peers: [peer('server', { exitCode: 1 }), peer('client')] }))).toEqual([
      ['STEP_FAILED', 'step 2 (accept) failed: wrong greeting (expected "hello\\n", got "hullo\\n")'],
    ]);
  });
});
