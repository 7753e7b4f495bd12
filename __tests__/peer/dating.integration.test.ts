// A scripted peer dates send and recv at the system call. Dated when the step's promise resolved
// (before this change), about one receive in five of a ping-pong on two busy cores came before the
// send it took (150 of 800 in 40 runs of scripts/soak.mjs's causal case; every run had some).
// Connect and accept likewise: dated when the step ended, 463 of 600 accepts came before the
// connect they took (200 runs of soak.mjs's connects part, --jobs 8 beside two busy loops).
import { runScenario } from '../../src';

const trips = 20;

test('in a ping-pong, every receive is dated after the send it took, in both directions', async () => {
  const result = await runScenario({
    name: 'ping-pong, dated',
    server: { steps: ['listen', 'accept', ...Array.from({ length: trips }, () => [{ recv: { text: 'ping' } }, { send: { text: 'pong' } }]).flat(), 'close'] },
    client: { steps: ['connect', ...Array.from({ length: trips }, () => [{ send: { text: 'ping' } }, { recv: { text: 'pong' } }]).flat(), 'close'] },
  });
  expect(result.failures).toEqual([]);
  for (const [from, to] of [
    ['client', 'server'],
    ['server', 'client'],
  ] as const) {
    const sends = result.timeline.filter((e) => e.peer === from && e.ev === 'send');
    const recvs = result.timeline.filter((e) => e.peer === to && e.ev === 'recv');
    expect(recvs).toHaveLength(trips);
    // the k-th receive took the k-th send (one message in flight at a time)
    const early = recvs.filter((r, k) => !(sends[k]!.t < r.t)).length;
    expect({ from, to, early }).toEqual({ from, to, early: 0 });
    // who sent it: named, or (the sender's start not relayed yet) by its pid, as the run's start events tell
    const startPid = result.timeline.find((e) => e.ev === 'start' && e.peer === from)!.pid;
    for (const r of recvs) {
      expect(r).toMatchObject({ bytes: 4 });
      expect(r.fromPeer ?? (r.fromPid === startPid ? from : r.fromPid)).toBe(from);
    }
  }
}, 20_000);

test('with three clients, the k-th accept is dated after at least k connects began', async () => {
  const result = await runScenario({
    name: 'three connects, dated',
    server: { steps: ['listen', 'accept', 'accept', 'accept', 'close'] },
    clients: { count: 3, steps: ['connect', { waitFor: { peer: 'server', event: 'close' } }, 'close'] },
  });
  expect(result.failures).toEqual([]);
  const connects = result.timeline.filter((e) => e.ev === 'connect').map((e) => e.t);
  const accepts = result.timeline.filter((e) => e.ev === 'accept').map((e) => e.t);
  expect([connects.length, accepts.length]).toEqual([3, 3]);
  // each accept took a connection whose connect had begun: k of them by the k-th accept
  const short = accepts.filter((t, k) => connects.filter((c) => c < t).length < k + 1).length;
  expect(short).toBe(0);
}, 20_000);
