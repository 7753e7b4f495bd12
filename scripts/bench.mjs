// `npm run bench`: uds-fixture against two C baselines measured in the same run (bench/reference.c,
// built here with the system cc): the same-work reference doing the same framing and verification,
// and the plain limit (the same socketpair moving the same bytes and messages, no framing, no
// checks); and a trivial scenario against a hand-written pair of node scripts. Prints a table and writes bench-results.json. Not part of `npm test`:
// timings depend on the machine and are never asserted.
//
// Every throughput and round-trip row is the median of --runs runs (5 by default; uds-fixture,
// same-work C and plain C interleaved, so load changes hit all three alike), its ratios the median
// of the per-run ratios; the load average before and after is printed and written with them.
//
//   node scripts/bench.mjs [--big] [--runs N] [--only TEXT]
//     --big: peer memory at 10 M messages (about a minute) instead of 1 M
//     --only: run only the cases whose name contains TEXT (e.g. --only stream)
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// In this checkout's build/ (or UDS_FIXTURE_BENCH_CACHE), not node_modules/.cache: a node_modules
// linked from another checkout would put the bundle there, and the bundle loads the addon of the
// checkout it lives in.
const cache = process.env.UDS_FIXTURE_BENCH_CACHE ?? path.join(root, 'build', 'bench');
const big = process.argv.includes('--big');
const option = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
};
const runs = Number(option('--runs', '5'));
const only = option('--only', '');
const selected = (name) => name.includes(only);
const loadBefore = os.loadavg().map((l) => round(l, 2));
const require = createRequire(import.meta.url);

mkdirSync(cache, { recursive: true });
const reference = path.join(cache, 'reference');
execFileSync(process.env.CC ?? 'cc', ['-O2', '-Wall', '-Wextra', '-o', reference, path.join(root, 'bench', 'reference.c')], { stdio: 'inherit' });
const cases = path.join(cache, 'cases.cjs');
await build({ entryPoints: [path.join(root, 'bench', 'cases.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cases, logLevel: 'error' });

const json = (file, args, env = process.env) => JSON.parse(execFileSync(file, args, { encoding: 'utf8', maxBuffer: 1 << 20, env }).trim().split('\n').pop());
const node = (args) => json(process.execPath, [cases, ...args]);
const c = (args) => json(reference, args);

const results = [];
/**
 * Throughput cases: ratio = same-work C time / uds-fixture time (1.0 = as fast as C doing the same
 * checks), plainRatio = plain C time / uds-fixture time (1.0 = as fast as the socket itself).
 */
function throughput(name, args, perUnit, unit, target, plainTarget, plainMode = `plain-${args[0]}`) {
  if (!selected(name)) return;
  const ours = [];
  const theirs = [];
  const plain = [];
  for (let i = 0; i < runs; i++) {
    ours.push(node(args).ns);
    theirs.push(c(args).ns);
    plain.push(c([plainMode, ...args.slice(1)]).ns);
  }
  const rate = (ns) => round(perUnit / (ns / 1e9));
  results.push({
    case: name,
    value: rate(median(ours)),
    unit,
    baseline: rate(median(theirs)),
    ratio: round(median(ours.map((ns, i) => theirs[i] / ns)), 3),
    target: target ? `>= ${target}` : 'none',
    plain: rate(median(plain)),
    plainRatio: round(median(ours.map((ns, i) => plain[i] / ns)), 3),
    plainTarget: plainTarget ? `>= ${plainTarget}` : 'none',
    plainMode,
    runs,
  });
}

const hasSeqpacket = process.platform === 'linux';
// Targets: same-work ratio (the engine adds little to its checks), plain ratio (issue 13: the checks
// themselves cost little).
// On Linux the engine moves datagrams and seqpacket messages with sendmmsg/recvmmsg, so their plain
// limit is the batched loop (plain-batch-*), not one system call per message.
const batched = process.platform === 'linux' ? 'plain-batch-' : 'plain-';
throughput('1 M x 64 B datagrams, sequence-verified', ['dgram', '1000000', '64'], 1e6, 'msg/s', 0.8, 0.9, `${batched}dgram`);
if (hasSeqpacket) throughput('1 M x 64 B seqpacket, sequence-verified', ['seqpacket', '1000000', '64'], 1e6, 'msg/s', 0.8, 0.9, `${batched}seqpacket`);
throughput('1 GiB stream (64 KiB frames), verified', ['stream', String(2 ** 30), '65536'], 1024, 'MiB/s', 0.8, 0.7);
throughput('100 000 SCM_RIGHTS transfers (1 fd + 1 byte, fstat-checked, closed)', ['fds', '100000'], 1e5, 'fds/s', 0.6, 0.7);
// The socket API's round trip as it comes (no wait budget), and with both ends'
// UnixSocket.waitBudget (a short poll(2) before the event loop), interleaved with the C round trip.
const WAIT_BUDGET_US = 500;
if (selected('64 B ping-pong round trip')) {
  // The C ping-pong frames nothing and checks nothing: it is its own plain limit.
  const count = 10000;
  const ours = [];
  const budgeted = [];
  const theirs = [];
  for (let i = 0; i < runs; i++) {
    ours.push(node(['pingpong', String(count)]).ns);
    budgeted.push(node(['pingpong', String(count), String(WAIT_BUDGET_US)]).ns);
    theirs.push(c(['pingpong', String(count)]).ns);
  }
  const us = (ns) => round(ns / count / 1000, 2);
  for (const [name, values] of [['64 B ping-pong round trip', ours], [`64 B ping-pong round trip, waitBudget(${WAIT_BUDGET_US})`, budgeted]]) {
    const ratio = round(median(values.map((ns, i) => theirs[i] / ns)), 3);
    // Issue 13's round-trip target is the scripted one (below): this row shows what the socket
    // API's one promise per operation costs a user's own code (a module peer, a test).
    results.push({ case: name, value: us(median(values)), unit: 'us', baseline: us(median(theirs)), ratio, target: 'none', plain: us(median(theirs)), plainRatio: ratio, plainTarget: 'none', runs });
  }
}

// The same round trip as scripted steps (client: send, recv; server: recv, send), through the
// whole path a scenario takes: step runner, an event per step on the event channel. Literal
// send/recv steps on a stream run in native code (src/peer/exchange.ts); the same scenario with
// UDS_FIXTURE_NATIVE_STEPS=0 runs every step in JavaScript (the path before). Per round trip:
// between the client's first and last `recv` events (their `t`, dated at the system call), so
// starting and stopping the peers is not counted. Against the same C round trip, --runs times,
// interleaved.
if (selected('scripted 64 B ping-pong round trip')) {
  const { runScenario } = require(path.join(root, 'dist', 'index.cjs'));
  const count = 2000;
  const text = 'p'.repeat(64);
  const scenario = {
    name: 'scripted ping-pong (benchmark)',
    socket: 'stream',
    timeout: '120s',
    server: { steps: ['listen', 'accept', ...Array.from({ length: count }, () => [{ recv: { text } }, { send: { text } }]).flat(), 'close'] },
    client: { steps: [{ waitFor: { peer: 'server', event: 'listen' } }, 'connect', ...Array.from({ length: count }, () => [{ send: { text } }, { recv: { text } }]).flat(), 'close'] },
  };
  const perRoundTrip = async (options) => {
    const result = await runScenario(scenario, options);
    if (!result.passed) throw new Error(`the scripted ping-pong failed: ${JSON.stringify(result.failures)}`);
    const recvs = result.timeline.filter((e) => e.peer === 'client' && e.ev === 'recv').map((e) => e.t);
    return (recvs.at(-1) - recvs[0]) / (recvs.length - 1);
  };
  const ours = [];
  const inJs = [];
  const theirs = [];
  for (let i = 0; i < runs; i++) {
    ours.push(await perRoundTrip({}));
    inJs.push(await perRoundTrip({ env: { UDS_FIXTURE_NATIVE_STEPS: '0' } }));
    theirs.push(c(['pingpong', '10000']).ns / 10000);
  }
  const us = (ns) => round(ns / 1000, 2);
  for (const [name, values] of [['scripted 64 B ping-pong round trip (steps)', ours], ['scripted 64 B ping-pong round trip (steps in JavaScript, UDS_FIXTURE_NATIVE_STEPS=0)', inJs]]) {
    const ratio = round(median(values.map((ns, i) => theirs[i] / ns)), 3);
    results.push({ case: name, value: us(median(values)), unit: 'us', baseline: us(median(theirs)), ratio, target: 'none', plain: us(median(theirs)), plainRatio: ratio, plainTarget: values === ours ? '>= 0.5' : 'none', runs });
  }
}

// The forwarding proxy (native/proxy.cc) against physics: the C reference's plain ends (no framing,
// no checks) connected through the proxy, against the same ends on a direct socketpair (the plain
// column and its target), same run. The baseline column is the same ends with no proxy between but
// on a bound path, as a proxy's ends have to be: on Linux a datagram receiver that is not
// connected back to its sender queues only net.unix.max_dgram_qlen (10) datagrams, a socketpair
// ~280, so the bound path is what one hop costs by itself and the proxy's path has two of them.
// With `capture`, every forwarded message is also an event (as in a scenario by default): the
// cost of watching, no target.
function viaProxy(name, mode, n, size, perUnit, unit, { capture = false } = {}) {
  if (!selected(name)) return;
  const via = [];
  const bound = [];
  const direct = [];
  const zeroCopied = [];
  for (let i = 0; i < runs; i++) {
    const through = node(['proxy-c', reference, `plain-${mode}`, String(n), String(size), ...(capture ? ['capture'] : [])]);
    via.push(through.ns);
    zeroCopied.push(through.zeroCopyBytes);
    bound.push(cOnBoundPath([`plain-${mode}`, String(n), String(size)]).ns);
    direct.push(c([`plain-${mode}`, String(n), String(size)]).ns);
  }
  const rate = (ns) => round(perUnit / (ns / 1e9));
  const ratioTo = (baseline) => round(median(via.map((ns, i) => baseline[i] / ns)), 3);
  const target = capture ? 'none' : '>= 0.5';
  results.push({ case: name, value: rate(median(via)), unit, baseline: rate(median(bound)), ratio: ratioTo(bound), target: 'none', plain: rate(median(direct)), plainRatio: ratioTo(direct), plainTarget: target, runs, zeroCopyBytes: median(zeroCopied) });
}
// The C reference's ends on a bound path (the receiver bound, the sender connected to it), no proxy.
function cOnBoundPath(args) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'udsb-'));
  const at = path.join(dir, 's');
  try {
    return json(reference, args, { ...process.env, UDS_BENCH_SERVER: at, UDS_BENCH_CLIENT: at });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
viaProxy('1 GiB stream (64 KiB writes) through the proxy', 'stream', 2 ** 30, 65536, 1024, 'MiB/s');
viaProxy('1 GiB stream (64 KiB writes) through the proxy, capture on (every read an event, copied)', 'stream', 2 ** 30, 65536, 1024, 'MiB/s', { capture: true });
viaProxy('1 M x 64 B datagrams through the proxy', 'dgram', 1_000_000, 64, 1e6, 'msg/s');

// A trivial scenario through runScenario against the same exchange by two hand-written scripts.
if (selected('trivial scenario wall time (median of 7)')) {
  const { runScenario } = require(path.join(root, 'dist', 'index.cjs'));
  const scenario = path.join(root, 'bench', 'trivial.scenario.yaml');
  const ours = [];
  const theirs = [];
  for (let i = 0; i < 7; i++) {
    let start = performance.now();
    const result = await runScenario(scenario);
    if (!result.passed) throw new Error(`the trivial scenario failed: ${JSON.stringify(result.failures)}`);
    ours.push(performance.now() - start);
    start = performance.now();
    await handWritten();
    theirs.push(performance.now() - start);
  }
  const value = median(ours);
  const baseline = median(theirs);
  results.push({ case: 'trivial scenario wall time (median of 7)', value: round(value, 1), unit: 'ms', baseline: round(baseline, 1), ratio: round(value / baseline, 3), target: '<= 1.5', plain: null, plainRatio: null, plainTarget: 'none' });
}

if (selected('receiving peer max RSS')) {
  const count = big ? 10_000_000 : 1_000_000;
  const m = node(['memory', String(count)]);
  const mib = m.maxRssBytes / 2 ** 20;
  results.push({ case: `receiving peer max RSS at ${count / 1e6} M messages${big ? '' : ' (--big for 10 M)'}`, value: round(mib, 1), unit: 'MiB', baseline: null, ratio: null, target: '<= 80 MiB', plain: null, plainRatio: null, plainTarget: 'none' });
}

const load = { before: loadBefore, after: os.loadavg().map((l) => round(l, 2)) };
writeFileSync(path.join(root, 'bench-results.json'), JSON.stringify({ load, runs, results }, null, 2) + '\n');
printTable(results);

function handWritten() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'udsb-'));
  const sock = path.join(dir, 's.sock');
  return new Promise((resolve, reject) => {
    const server = spawn(process.execPath, [path.join(root, 'bench', 'hand', 'server.mjs'), sock], { stdio: ['ignore', 'pipe', 'inherit'] });
    let client;
    server.stdout.once('data', () => {
      client = spawn(process.execPath, [path.join(root, 'bench', 'hand', 'client.mjs'), sock], { stdio: 'inherit' });
      client.on('error', reject);
    });
    server.on('error', reject);
    server.on('exit', (code) => {
      const finish = () => {
        rmSync(dir, { recursive: true, force: true });
        code === 0 ? resolve() : reject(new Error(`hand-written server exited ${code}`));
      };
      if (client && client.exitCode === null) client.on('exit', finish);
      else finish();
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function round(value, digits = 0) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function printTable(rows) {
  const header = ['case', 'uds-fixture', 'baseline', 'ratio', 'target', 'plain C', 'plain ratio', 'plain target'];
  const cell = (v, unit) => (v === null ? '-' : unit ? `${v} ${unit}` : String(v));
  const lines = rows.map((r) => [r.case, `${r.value} ${r.unit}`, cell(r.baseline, r.unit), cell(r.ratio), r.target, cell(r.plain, r.unit), cell(r.plainRatio), r.plainTarget]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const show = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  process.stdout.write(`${show(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${lines.map(show).join('\n')}\n`);
  process.stdout.write(`\n${os.cpus().length} cores, ${os.platform()} ${os.release()}, Node ${process.version}; median of ${runs} runs; load average before ${loadBefore.join(' ')}, after ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; baseline: same-work C reference (bench/reference.c), hand-written node scripts, or (through the proxy) the same C ends on a bound path without it; plain C: bench/reference.c plain-* modes (no framing, no checks; datagrams and seqpacket on Linux: plain-batch-*, sendmmsg/recvmmsg)\n`);
}
