// Each bulk engine runs on a thread of its own. On libuv's pool (4 threads by default) an engine
// held a thread for its whole exchange: a fifth engine in the same process waited for a thread,
// and so did every fs call, until a run ended. Here six engines wait for traffic that does not
// come while this process stats a file: the stat must complete while all six are still running.
import { promises as fs } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { UnixSocket } from '../../src/socket';
import { receiveDescriptors, receiveTraffic, type TrafficRun } from '../../src/traffic';
import { childScript } from '../helpers/child-script';

// Only a bound on a hang: when the fs call is still waiting then, the engines are cancelled so
// that the test ends (and fails on the order of events, not on the time).
const HANG_BOUND_MS = 15_000;

it('six engines waiting in one process leave the fs calls of that process running', async () => {
  const pairs = Array.from({ length: 6 }, () => UnixSocket.pair('stream'));
  const runs: Array<TrafficRun<unknown>> = [];
  const events: string[] = [];
  try {
    for (const [i, [, b]] of pairs.entries()) {
      runs.push(i < 4 ? receiveTraffic(b, { count: 10, size: { min: 64, max: 64 } }) : receiveDescriptors(b, { repeat: 10, count: 1, expect: [] }));
    }
    const ended = runs.map((run, i) => run.result.then(
      () => events.push(`engine ${i} ended`),
      () => events.push(`engine ${i} ended`),
    ));
    let bound: NodeJS.Timeout | undefined;
    const hang = new Promise<void>((resolve) => {
      bound = setTimeout(() => {
        events.push('engines cancelled');
        resolve();
      }, HANG_BOUND_MS);
    });
    const stat = fs.stat(__filename).then(() => {
      events.push('fs call done');
    });
    await Promise.race([stat, hang]);
    clearTimeout(bound);
    events.push('engines cancelled');
    for (const run of runs) run.cancel();
    await Promise.all([stat, ...ended]);
    // The fs call finished first, while every engine was still waiting for its traffic.
    expect(events.slice(0, 2)).toEqual(['fs call done', 'engines cancelled']);
    expect(events.slice(2).sort()).toEqual(runs.map((_, i) => `engine ${i} ended`).sort());
  } finally {
    for (const run of runs) run.cancel();
    for (const [a, b] of pairs) {
      a.close();
      b.close();
    }
  }
});

it('a worker thread ended while its engines run stops and joins them (terminate resolves, this process goes on)', async () => {
  const worker = new Worker(childScript('__tests__/traffic/children/engine-worker.ts'));
  try {
    const report = await new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`worker exited (${code}) before reporting`)));
    });
    expect(report).toMatchObject({ unique: 1000, waiting: 3 });
    // Environment teardown cancels each engine and joins its thread; a thread left running or a
    // result delivered into the dead environment would hang or crash here.
    await expect(worker.terminate()).resolves.toBe(1);
    const [a, b] = UnixSocket.pair('stream');
    a.close();
    b.close();
  } finally {
    await worker.terminate();
  }
});
