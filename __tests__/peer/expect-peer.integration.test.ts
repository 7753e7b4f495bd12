// `expectPeer` on real connections whose credentials do not match: the step fails with
// PEER_CRED_MISMATCH, and the message names what was expected and what connected. (The matching
// cases are in conversation.integration.test.ts; a `run:` program's group in
// __tests__/run/peer-identity.integration.test.ts.)
import type { ScenarioResult } from '../../src/judge/result';
import type { PeerInput } from '../../src/scenario/types';
import { describeBuilt, explain, useRunBase } from '../e2e/scripted-runs';

const runs = useRunBase('expect-peer', 15_000);
const uid = process.getuid!();
const gid = process.getgid!();

/** A server accepting with `expectPeer`, and a client that connects and closes. */
function scenario(expectPeer: Record<string, unknown>, client: Partial<PeerInput> = {}) {
  return {
    name: 'who connected',
    server: { steps: ['listen', { accept: { expectPeer, timeout: '5s' } }, { recv: { eof: true } }, 'close'] },
    client: { steps: ['connect', 'close'], ...client },
  } as never;
}

/** The one failure of the run: the step of `peer` that checked the credentials. */
function failureOf(result: ScenarioResult, peer: string) {
  expect(result.passed).toBe(false);
  const failures = result.failures.filter((f) => f.code === 'STEP_FAILED');
  if (failures.length !== 1 || failures[0]!.peer !== peer) throw new Error(`expected one STEP_FAILED of ${peer}: ${explain(result)}`);
  expect(failures[0]!.cause).toBe('PEER_CRED_MISMATCH');
  return failures[0]!;
}

/** The peer's own pid, from its `start` event (PeerOutcome.pid is its supervisor's, the group leader). */
function pidOf(result: ScenarioResult, id: string): number {
  const start = result.timeline.find((e) => e.peer === id && e.ev === 'start');
  if (start === undefined || typeof start.pid !== 'number') throw new Error(`no start event of ${id}: ${explain(result)}`);
  return start.pid;
}

describeBuilt('expectPeer that does not match what connected', () => {
  it('uid: names the expected uid and the one the kernel reported', async () => {
    const result = await runs.run(scenario({ uid: uid + 1 }));
    expect(failureOf(result, 'server').message).toBe(
      `step 2 (accept) failed: accept: the peer at the other end has uid ${uid} (expected ${uid + 1}); fix expectPeer or the program that connected`,
    );
  });

  it('gid: names the expected gid and the one the kernel reported', async () => {
    const result = await runs.run(scenario({ gid: gid + 1, uid: 'self' }));
    expect(failureOf(result, 'server').message).toBe(
      `step 2 (accept) failed: accept: the peer at the other end has gid ${gid} (expected ${gid + 1}); fix expectPeer or the program that connected`,
    );
  });

  it('pid as a number: names it and the client\'s real pid', async () => {
    const result = await runs.run(scenario({ pid: 1 }));
    expect(failureOf(result, 'server').message).toBe(
      `step 2 (accept) failed: accept: the peer at the other end has pid ${pidOf(result, 'client')} (expected 1); fix expectPeer or the program that connected`,
    );
  });

  it('pid as a peer id: another scripted peer than the one that connected (the server names itself)', async () => {
    const result = await runs.run(scenario({ pid: 'server' }));
    expect(failureOf(result, 'server').message).toBe(
      `step 2 (accept) failed: accept: the peer at the other end has pid ${pidOf(result, 'client')} (expected ${pidOf(result, 'server')}); fix expectPeer or the program that connected`,
    );
  });

  it('every wrong field at once, on connect: the client names each', async () => {
    const result = await runs.run(
      scenario({ uid: 'self' }, { steps: [{ connect: { expectPeer: { uid: uid + 1, gid: gid + 1, pid: 'client' } } }, 'close'] }),
    );
    const server = pidOf(result, 'server');
    expect(failureOf(result, 'client').message).toBe(
      `step 1 (connect) failed: connect: the peer at the other end has uid ${uid} (expected ${uid + 1}), gid ${gid} (expected ${gid + 1}), pid ${server} (expected ${pidOf(result, 'client')}); fix expectPeer or the program that connected`,
    );
  });

});
