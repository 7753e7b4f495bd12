// The scheduler bounds scenarios by count (--jobs) and by weight (their peers), first come first served.
import { mapPool, mayStart } from '../../src/cli/pool';
import { NODE_PEER_WEIGHT, PROGRAM_PEER_WEIGHT, scenarioWeight, weightBudget } from '../../src/cli/weight';
import type { PeerSpec, Scenario } from '../../src/scenario/types';

type Peers = Pick<Scenario, 'server' | 'clients'>;
const steps: PeerSpec = { kind: 'steps', steps: [], env: {}, ready: { kind: 'socket' } };
const program: PeerSpec = { kind: 'run', argv: ['x'], env: {}, ready: { kind: 'socket' } };

/** Runs items of the given weights; each finishes when the test releases it. Records who ran together. */
function harness(weights: number[], jobs: number, budget: number) {
  const release: Array<() => void> = [];
  const started: number[] = [];
  let load = 0;
  let peakLoad = 0;
  let running = 0;
  let peakRunning = 0;
  const done = mapPool(weights, { jobs, budget, weight: (i) => weights[i]! }, (w, i) => {
    started.push(i);
    running++;
    load += w;
    peakRunning = Math.max(peakRunning, running);
    peakLoad = Math.max(peakLoad, load);
    return new Promise<number>((resolve) => {
      release[i] = () => {
        running--;
        load -= w;
        resolve(i);
      };
    });
  });
  return { release, started, done, peaks: () => ({ peakLoad, peakRunning }) };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('a scenario weighs its peers: Node peers heavy, run: programs light', () => {
  expect(scenarioWeight({ server: steps, clients: { ...steps, count: 20, single: false } })).toBe(21 * NODE_PEER_WEIGHT);
  expect(scenarioWeight({ server: program, clients: { ...steps, count: 1, single: true } })).toBe(PROGRAM_PEER_WEIGHT + NODE_PEER_WEIGHT);
  expect(scenarioWeight({} as Peers)).toBe(1);
  expect(weightBudget(2)).toBe(2 * weightBudget(1));
  expect(weightBudget(0)).toBe(weightBudget(1));
});

test('mayStart: within jobs and budget, or alone whatever the weight', () => {
  const limits = { jobs: 8, budget: 10 };
  expect(mayStart(0, 0, 1000, limits)).toBe(true);
  expect(mayStart(1, 6, 4, limits)).toBe(true);
  expect(mayStart(1, 6, 5, limits)).toBe(false);
  expect(mayStart(8, 8, 1, { jobs: 8, budget: 100 })).toBe(false);
});

test('heavy items run fewer at once than --jobs allows; the summed weight stays within the budget', async () => {
  const weights = Array.from({ length: 12 }, () => 4);
  const h = harness(weights, 8, 10);
  for (let i = 0; i < weights.length; i++) {
    await tick();
    h.release[h.started[i]!]!();
  }
  expect(await h.done).toEqual(weights.map((_, i) => i));
  expect(h.peaks()).toEqual({ peakLoad: 8, peakRunning: 2 });
});

test('an item heavier than the whole budget still runs, alone, and the queue keeps its order', async () => {
  const h = harness([1, 50, 1, 1], 8, 10);
  await tick();
  expect(h.started).toEqual([0]); // the heavy one waits for the light one before it to end
  h.release[0]!();
  await tick();
  expect(h.started).toEqual([0, 1]); // alone: the light ones behind it do not overtake it
  h.release[1]!();
  await tick();
  expect(h.started).toEqual([0, 1, 2, 3]);
  h.release[2]!();
  h.release[3]!();
  expect(await h.done).toEqual([0, 1, 2, 3]);
  expect(h.peaks().peakRunning).toBe(2);
});

test('light items are bounded by --jobs', async () => {
  const h = harness(Array.from({ length: 20 }, () => 1), 3, 1000);
  for (let i = 0; i < 20; i++) {
    await tick();
    h.release[h.started[i]!]!();
  }
  await h.done;
  expect(h.peaks().peakRunning).toBe(3);
});

test('a failing item rejects the pool', async () => {
  await expect(mapPool([1, 2], { jobs: 2, budget: 10, weight: () => 1 }, async (n) => {
    if (n === 2) throw new Error('boom');
    return n;
  })).rejects.toThrow('boom');
  await expect(mapPool([], { jobs: 2, budget: 10, weight: () => 1 }, async (n: number) => n)).resolves.toEqual([]);
});
