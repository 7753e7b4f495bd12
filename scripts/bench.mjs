// `npm run bench`: uds-fixture against two C baselines measured in the same run (bench/reference.c,
// built here with the system cc): the same-work reference doing the same framing and verification,
// and the plain limit (the same socketpair moving the same bytes and messages, no framing, no
// checks); and a trivial scenario against a hand-written pair of node scripts. Prints a table and writes bench-results.json. Not part of `npm test`:
// timings depend on the machine and are never asserted.
//
//   node scripts/bench.mjs [--big]     --big: peer memory at 10 M messages (about a minute) instead of 1 M
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// UDS_FIXTURE_BENCH_CACHE: where the C reference and the bundled cases are built (default under node_modules/.cache).
const cache = process.env.UDS_FIXTURE_BENCH_CACHE ?? path.join(root, 'node_modules', '.cache', 'uds-fixture-bench');
const big = process.argv.includes('--big');
const require = createRequire(import.meta.url);

mkdirSync(cache, { recursive: true });
const reference = path.join(cache, 'reference');
execFileSync(process.env.CC ?? 'cc', ['-O2', '-Wall', '-Wextra', '-o', reference, path.join(root, 'bench', 'reference.c')], { stdio: 'inherit' });
const cases = path.join(cache, 'cases.cjs');
await build({ entryPoints: [path.join(root, 'bench', 'cases.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: cases, logLevel: 'error' });

const json = (file, args) => JSON.parse(execFileSync(file, args, { encoding: 'utf8', maxBuffer: 1 << 20 }).trim().split('\n').pop());
const node = (args) => json(process.execPath, [cases, ...args]);
const c = (args) => json(reference, args);

const results = [];
/**
 * Throughput cases: ratio = same-work C time / uds-fixture time (1.0 = as fast as C doing the same
 * checks), plainRatio = plain C time / uds-fixture time (1.0 = as fast as the socket itself).
 */
function throughput(name, args, perUnit, unit, target, plainTarget) {
  const ours = node(args);
  const theirs = c(args);
  const plain = c([`plain-${args[0]}`, ...args.slice(1)]);
  const rate = (ns) => round(perUnit / (ns / 1e9));
  results.push({
    case: name,
    value: rate(ours.ns),
    unit,
    baseline: rate(theirs.ns),
    ratio: round(theirs.ns / ours.ns, 3),
    target: target ? `>= ${target}` : 'none',
    plain: rate(plain.ns),
    plainRatio: round(plain.ns / ours.ns, 3),
    plainTarget: plainTarget ? `>= ${plainTarget}` : 'none',
  });
}

const hasSeqpacket = process.platform === 'linux';
// Targets: same-work ratio (the engine adds little to its checks), plain ratio (issue 13: the checks
// themselves cost little).
throughput('1 M x 64 B datagrams, sequence-verified', ['dgram', '1000000', '64'], 1e6, 'msg/s', 0.8, 0.9);
if (hasSeqpacket) throughput('1 M x 64 B seqpacket, sequence-verified', ['seqpacket', '1000000', '64'], 1e6, 'msg/s', 0.8, 0.9);
throughput('1 GiB stream (64 KiB frames), verified', ['stream', String(2 ** 30), '65536'], 1024, 'MiB/s', 0.8, 0.7);
throughput('100 000 SCM_RIGHTS transfers (1 fd + 1 byte, fstat-checked, closed)', ['fds', '100000'], 1e5, 'fds/s', 0.6, 0.7);
{
  // The C ping-pong frames nothing and checks nothing: it is its own plain limit.
  const count = 10000;
  const ours = node(['pingpong', String(count)]);
  const theirs = c(['pingpong', String(count)]);
  const us = (ns) => round(ns / count / 1000, 2);
  const ratio = round(theirs.ns / ours.ns, 3);
  results.push({ case: '64 B ping-pong round trip', value: us(ours.ns), unit: 'us', baseline: us(theirs.ns), ratio, target: 'none', plain: us(theirs.ns), plainRatio: ratio, plainTarget: '>= 0.5' });
}

// The forwarding proxy (native/proxy.cc) against physics: the C reference's plain ends (no framing,
// no checks) connected through the proxy, against the same ends on a direct socketpair, same run.
function viaProxy(name, mode, n, size, perUnit, unit) {
  const via = node(['proxy-c', reference, `plain-${mode}`, String(n), String(size)]);
  const direct = c([`plain-${mode}`, String(n), String(size)]);
  const rate = (ns) => round(perUnit / (ns / 1e9));
  const ratio = round(direct.ns / via.ns, 3);
  results.push({ case: name, value: rate(via.ns), unit, baseline: rate(direct.ns), ratio, target: '>= 0.5', plain: rate(direct.ns), plainRatio: ratio, plainTarget: '>= 0.5' });
}
viaProxy('1 GiB stream (64 KiB writes) through the proxy', 'stream', 2 ** 30, 65536, 1024, 'MiB/s');
viaProxy('1 M x 64 B datagrams through the proxy', 'dgram', 1_000_000, 64, 1e6, 'msg/s');

// A trivial scenario through runScenario against the same exchange by two hand-written scripts.
{
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

{
  const count = big ? 10_000_000 : 1_000_000;
  const m = node(['memory', String(count)]);
  const mib = m.maxRssBytes / 2 ** 20;
  results.push({ case: `receiving peer max RSS at ${count / 1e6} M messages${big ? '' : ' (--big for 10 M)'}`, value: round(mib, 1), unit: 'MiB', baseline: null, ratio: null, target: '<= 80 MiB', plain: null, plainRatio: null, plainTarget: 'none' });
}

writeFileSync(path.join(root, 'bench-results.json'), JSON.stringify(results, null, 2) + '\n');
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
  process.stdout.write(`\n${os.cpus().length} cores, ${os.platform()} ${os.release()}, Node ${process.version}; baseline: same-work C reference (bench/reference.c) or hand-written node scripts; plain C: bench/reference.c plain-* modes (no framing, no checks)\n`);
}
