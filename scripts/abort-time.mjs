// How long aborting a run takes when a peer's children outlive it by a moment: a `run:` peer
// `sh -c 'sleep 30 & sleep 30 & wait'`, aborted 500 ms after it starts, timed from abort() to runScenario
// rejecting (teardown included). Under an init that reaps orphans slowly the group stays non-empty
// until init gets to the zombies, unless the supervisor (a child subreaper on Linux) reaps them.
// Also a peer with a setsid escapee, to see that ending escapees does not slow the abort.
// Needs the build (dist/, build/Release). Timings are printed, never asserted.
//
//   node scripts/abort-time.mjs [runs]      default 10 runs per case
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { runScenario } = createRequire(import.meta.url)(path.join(root, 'dist', 'index.cjs'));
const runs = Number(process.argv[2] ?? 10);
const base = mkdtempSync('/tmp/udsf-abort-');

const cases = {
  "sh -c 'sleep 30 & sleep 30 & wait'": ['sh', '-c', 'sleep 30 & sleep 30 & wait'],
  'sh -c with a setsid escapee': ['sh', '-c', 'setsid sleep 30 & sleep 30 & wait'],
};

async function abortOnce(argv) {
  const controller = new AbortController();
  let abortedAt = 0;
  // half a second is ample for sh to start its children (a script, not a test: a fixed delay is fine)
  const timer = setTimeout(() => {
    abortedAt = performance.now();
    controller.abort();
  }, 500);
  try {
    await runScenario({ name: 'abort', timeout: '1m', client: { run: argv } }, { tmpBase: base, signal: controller.signal });
  } catch (err) {
    if (err.code !== 'ERR_RUN_ABORTED') throw err;
  } finally {
    clearTimeout(timer);
  }
  return performance.now() - abortedAt;
}

try {
  for (const [name, argv] of Object.entries(cases)) {
    const times = [];
    for (let i = 0; i < runs; i++) times.push(await abortOnce(argv));
    times.sort((a, b) => a - b);
    const ms = (t) => `${t.toFixed(0)} ms`;
    console.log(`${name}: abort took min ${ms(times[0])}, median ${ms(times[Math.floor(times.length / 2)])}, max ${ms(times.at(-1))} over ${runs} runs`);
  }
} finally {
  rmSync(base, { recursive: true, force: true });
}
