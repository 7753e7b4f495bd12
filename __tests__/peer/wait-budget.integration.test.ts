// A scripted peer's socket operations block in poll(2) for up to their wait budget before the
// event loop (src/peer/wait-budget.ts). Here the budget is the most there is (10 ms), after a
// ping-pong that has armed it: a peer blocked in a `recv` that never gets its bytes still fails
// that step on its timeout, naming what it waited for, and still answers SIGTERM with its
// `stopped` event before it dies of the signal.
import { inWorld, SUCCEEDED, text, type StepSpec } from './helpers';

process.env.UDS_FIXTURE_PEER_WAIT_US = '10000';

const ROUNDS = 50;
const serverRounds: StepSpec[] = Array.from({ length: ROUNDS }, (): StepSpec[] => [
  { step: 'recv', payload: text('ping') },
  { step: 'send', payload: text('pong') },
]).flat();
const clientRounds: StepSpec[] = Array.from({ length: ROUNDS }, (): StepSpec[] => [
  { step: 'send', payload: text('ping') },
  { step: 'recv', payload: text('pong') },
]).flat();
const afterListen: StepSpec[] = [{ step: 'waitFor', peer: 'server', event: 'listen', count: 1 }, { step: 'connect' }];

describe('a scripted peer blocked within its wait budget', () => {
  it('fails a recv on its step timeout, naming what it waited for', async () => {
    await inWorld(async (world) => {
      const [server, client] = world.startRelayed([
        { id: 'server', steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, ...serverRounds, { step: 'recv', payload: text('never sent'), timeoutMs: 300 }] },
        { id: 'client', steps: [...afterListen, ...clientRounds, { step: 'waitFor', peer: 'server', event: 'fail', count: 1 }] },
      ]);
      const outcome = await server!.outcome();
      expect(outcome.fails).toEqual([
        expect.objectContaining({ code: 'STEP_TIMEOUT', step: 2 + 2 * ROUNDS, message: 'recv waited 300 ms for 10 bytes from the client; got 0' }),
      ]);
      expect(server!.named('recv')).toHaveLength(ROUNDS);
      expect(await client!.outcome()).toEqual(SUCCEEDED);
    });
  });

  it('answers SIGTERM with its stopped event, naming the recv, and dies of the signal', async () => {
    await inWorld(async (world) => {
      const [server, client] = world.startRelayed([
        { id: 'server', steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, ...serverRounds, { step: 'recv', payload: text('never sent'), timeoutMs: 60_000 }] },
        // the client's sleep says every round trip is in: the server's step now is the recv that gets nothing
        { id: 'client', steps: [...afterListen, ...clientRounds, { step: 'sleep', ms: 1 }, { step: 'waitFor', peer: 'server', event: 'stopped', count: 1, timeoutMs: 60_000 }] },
      ]);
      await client!.waitForEvent('sleep');
      server!.child.kill('SIGTERM');
      expect(await server!.waitForExit()).toEqual({ code: null, signal: 'SIGTERM' });
      expect(server!.named('stopped')).toEqual([expect.objectContaining({ signal: 'SIGTERM', step: 2 + 2 * ROUNDS, waitingFor: expect.stringContaining('10 bytes from the client') })]);
      expect(await client!.outcome()).toEqual(SUCCEEDED);
    });
  });
});
