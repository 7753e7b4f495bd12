// Full-size load and soak runs (the Jest suite runs smaller versions):
//   1. SCENARIOS scenario files through `uds-fixture run --jobs JOBS`, ROUNDS times: every round
//      must pass completely and leave the temp base empty.
//   2. RUNS runs of one scenario in this process: descriptor count, RSS and heap are sampled and
//      must end flat.
//   3. Weighted load: HEAVY scenarios of 20 scripted clients each (a scripted server accepting 20
//      times), through `uds-fixture run` at --jobs 8 and at the default: every one must pass — on
//      2 cores they did not before the scheduler weighed peers and step timeouts waited for the
//      awaited peer's start (issue 9).
//   4. ESCAPES runs (Linux) of a python3 peer whose descendants leave its process group (a setsid
//      child, a double-forked grandchild that ignores SIGTERM), half exiting by itself, half aborted
//      and torn down once they exist: every escapee must be gone when runScenario returns.
//   5. LIFECYCLE runs in a row, no retries, of each planned-stop fixture (fixtures/external): a
//      Python one-shot server that ends 0.5 s after its client must pass by its own exit every
//      time, and a Python daemon that exits 0 on SIGTERM must pass every time, stopped by the
//      harness, and end well under its run timeout.
//   6. EARLY_STOPS runs aborted at the very moment a peer is spawned: the stop signal meets the
//      supervisor before (or while) it starts the program, and must still reach the program once,
//      so every run's program ends by SIGTERM, none by the SIGKILL after the grace.
//   7. PROTOCOLS runs of each fixtures/protocols scenario (Python servers, reads split by `until`
//      and `lengthPrefix`, captures across peers, unread-data checks at close, EMSGSIZE over a
//      small sndbuf) and, on Linux, of fixtures/faults/held-back-by-sndbuf in a row: a read split
//      across several recv(2) calls, a close racing the last bytes or a send racing its reader's
//      close must never fail one.
// Usage: node scripts/soak.mjs [--scenarios 200] [--jobs 8] [--rounds 3] [--runs 1000] [--heavy 50]
//                              [--escapes 40] [--lifecycle 50] [--early-stops 100] [--protocols 25]
//                              [--timeout-names 30] [--causal 100] [--proxy 25]
//                              [--output 200] [--connects 200] [--addresses 200] [--ready-exits 200] [--pingpong 60]
//                              [--only load|memory|heavy|escapes|lifecycle|early-stops|protocols|fuzz|timeout-names|causal|proxy|output|connects|addresses|ready-exits|pingpong]
//   8. The loader fuzz test with 10 000 mutated scenario files (the suite runs 2 000).
//   9. TIMEOUT_NAMES runs, four at a time and two busy loops beside, that time out with both peers
//      stuck (the client scripted, or a python3 program that dies of SIGTERM at once): every
//      TIMEOUT must name the server and its step as it was when stopped, and both peers must die of
//      their SIGTERM (a peer's last event, written as SIGTERM arrived, was once lost at teardown;
//      the server's recv once failed on the client's end before its own SIGTERM arrived).
//  10. CAUSAL runs, four at a time, of a stream ping-pong (20 round trips): in every one, each
//      receive is dated after the send it took (events are dated at the system call; dated when
//      JavaScript noticed, a busy sender's send could come after the receive it caused).
//  12. OUTPUT runs, 16 at a time, of a python3 datagram client that prints the answer it got and
//      exits at once, judged by `expect.stdout`: what it wrote must reach the verdict every time
//      (teardown once closed stdout unread: 5 of 72 such runs failed under load).
//  13. PINGPONG scripted ping-pong runs in a row (200 round trips each), turn about with the
//      steps in native code (the default, src/peer/exchange.ts) and in JavaScript
//      (UDS_FIXTURE_NATIVE_STEPS=0), and within each with the peers' wait budget on
//      (UDS_FIXTURE_PEER_WAIT_US=500) and off, of three kinds: all pass; the server's last reply
//      differs (the client's recv must fail, naming the byte); the server's last recv never gets its
//      bytes (its 300 ms step timeout must fail it): every run's verdict must be the same either
//      way, at any load.
//  11. PROXY runs in a row (Linux) of each fixtures/proxy scenario, which must pass every time, and
//      of the line server's buggy variant under `chunk: 1`, which must fail every time: the proxy's
//      faults give the same verdict at any load (the chunk pacing waits for the reader, not a clock).
//  14. CONNECTS runs, through `uds-fixture run --jobs 8 --timelines` with two busy loops beside
//      them, of a server accepting three scripted clients: in every drawn timeline (.mmd), the
//      k-th accept comes after at least k connects (connect and accept are dated at the system
//      call; dated when JavaScript noticed, an accept was drawn before the connect it took).
//  15. ADDRESSES runs, --jobs 8 with two busy loops beside, of a python3 datagram client known by the
//      `bind` event it writes, judged by the server's `recv: { from: client }`; half announce the
//      path before sending, half after (the datagram then always overtakes the relayed event).
//      Every one must pass: whether the sender is the client must not depend on the relay's speed
//      (a datagram that overtook the relay once read "came from py.sock, which is client's").
//  16. READY_EXITS runs, --jobs 8 with two busy loops beside, of fixtures/faults/refused-stale-socket
//      (a server that listens, closes and exits at once): its exit may be seen before its `listen`
//      event is read, which must not make it NOT_READY (1 of 40 in a load test once).
// Exit status 0 when every check held, 1 otherwise. Needs a built dist/ (node scripts/build.mjs).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { writeLoadScenarios } = require('./load-scenarios.cjs');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
}
const SCENARIOS = option('scenarios', 200);
const JOBS = option('jobs', 8);
const ROUNDS = option('rounds', 3);
const RUNS = option('runs', 1000);
const HEAVY = option('heavy', 50);
const ESCAPES = option('escapes', 40);
const LIFECYCLE = option('lifecycle', 50);
const EARLY_STOPS = option('early-stops', 100);
const TIMEOUT_NAMES = option('timeout-names', 30);
const PROTOCOLS = option('protocols', 25);
const CAUSAL = option('causal', 100);
const PROXY = option('proxy', 25);
const OUTPUT = option('output', 200);
const CONNECTS = option('connects', 200);
const ADDRESSES = option('addresses', 200);
const READY_EXITS = option('ready-exits', 200);
const PINGPONG = option('pingpong', 60);
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt === -1 ? undefined : process.argv[onlyAt + 1];
const wanted = (name) => ONLY === undefined || ONLY === name;

const work = mkdtempSync('/tmp/udsf-soak-');
const base = path.join(work, 'base');
mkdirSync(base, { mode: 0o700 });
let ok = true;
const check = (holds, message) => {
  if (!holds) ok = false;
  console.log(`${holds ? 'ok  ' : 'FAIL'} ${message}`);
};

/** Runs `uds-fixture run dir [...args]` with a JSON report; returns the figures a check needs. */
function runCli(dir, out, args) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.cjs'), 'run', dir, ...args, '--reporter', 'json', '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, UDS_FIXTURE_TMPDIR: base, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' },
  });
  const file = path.join(out, 'results.json');
  const results = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  return { r, results, seconds: ((Date.now() - started) / 1000).toFixed(1), left: readdirSync(base) };
}

/** `count` scenarios of a scripted server that accepts 20 scripted clients, each saying hi. */
function writeHeavyScenarios(dir, count) {
  mkdirSync(dir, { recursive: true });
  const serverSteps = ['    - listen', ...Array.from({ length: 20 }, () => '    - accept\n    - recv: { text: hi }'), '    - close'];
  for (let i = 0; i < count; i++) {
    const text = [
      `name: "#${i} twenty clients"`,
      'server:',
      '  steps:',
      ...serverSteps,
      'clients:',
      '  count: 20',
      '  steps: [connect, { send: { text: hi } }, close]',
      '',
    ].join('\n');
    writeFileSync(path.join(dir, `${String(i).padStart(3, '0')}-twenty.scenario.yaml`), text);
  }
}

/** Two busy loops beside a part (other processes competing for the 2 cores); returns their stop. */
function busyLoops(count = 2) {
  const loops = Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  return () => {
    for (const loop of loops) loop.kill('SIGKILL');
  };
}

/** min / median / max of a list of numbers, for the printed figures. */
function spread(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[0]} / ${sorted[Math.floor(sorted.length / 2)]} / ${sorted[sorted.length - 1]}`;
}

/**
 * The planned-stop proof: each fixture LIFECYCLE times in a row in this process, no retries.
 * Every run must pass with the server ended as `end` says; the daemon's runs must also end well
 * under the run's timeout (at most half of it), which a stop that waited for the timeout would not.
 */
async function lifecycleSoak(runScenario, loadScenario) {
  const cases = [
    { file: 'one-shot-server-exit', end: 'self' },
    { file: 'daemon-stops-on-sigterm', end: 'planned-stop' },
  ];
  for (const c of cases) {
    const scenario = path.join(root, 'fixtures', 'external', `${c.file}.scenario.yaml`);
    const limit = (await loadScenario(scenario)).timeoutMs;
    const durations = [];
    const endedAfter = [];
    let failed = 0;
    for (let i = 1; i <= LIFECYCLE; i++) {
      const result = await runScenario(scenario, { tmpBase: base });
      const server = result.peers.find((p) => p.id === 'server');
      durations.push(result.durationMs);
      if (server?.plannedStop?.endedAfterMs !== undefined) endedAfter.push(server.plannedStop.endedAfterMs);
      if (!result.passed || server?.end !== c.end) {
        failed++;
        console.log(`     ${c.file} run ${i}: passed ${result.passed}, server end ${server?.end}: ${JSON.stringify(result.failures)}`);
      }
    }
    check(failed === 0, `${c.file}: ${LIFECYCLE} runs in a row, ${failed} failed (the server must end: ${c.end})`);
    console.log(`     run wall time min / median / max: ${spread(durations)} ms; server's end after the clients' min / median / max: ${spread(endedAfter)} ms`);
    if (c.end === 'planned-stop') check(Math.max(...durations) < limit / 2, `${c.file}: slowest run ${Math.max(...durations)} ms, under half its ${limit} ms timeout`);
  }
}

try {
  const scenarios = path.join(work, 'scenarios');
  if (wanted('load')) writeLoadScenarios(scenarios, SCENARIOS);
  for (let round = 1; wanted('load') && round <= ROUNDS; round++) {
    const out = path.join(work, `out-${round}`);
    const started = Date.now();
    const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.cjs'), 'run', scenarios, '--jobs', String(JOBS), '--reporter', 'json', '--out', out], {
      encoding: 'utf8',
      env: { ...process.env, UDS_FIXTURE_TMPDIR: base, NO_COLOR: '1', GITHUB_STEP_SUMMARY: '' },
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const file = path.join(out, 'results.json');
    const results = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
    const failed = results ? results.results.filter((x) => !x.passed && !x.skipped) : [];
    const names = results ? new Set(results.results.map((x) => x.name)).size : 0;
    const left = readdirSync(base);
    check(
      r.status === 0 && results?.counts.failed === 0 && names === SCENARIOS && left.length === 0,
      `round ${round}: ${SCENARIOS} scenarios, --jobs ${JOBS}: exit ${r.status}, ${results?.counts.passed ?? '?'} passed, ${results?.counts.failed ?? '?'} failed, ${names} distinct names, ${left.length} entries left in the temp base, ${seconds} s`,
    );
    for (const f of failed.slice(0, 5)) console.log(`     ${f.name}: ${JSON.stringify(f.failures).slice(0, 300)}`);
    if (r.status === 2) console.log(r.stderr.slice(0, 1000));
  }

  if (wanted('heavy')) {
    const heavy = path.join(work, 'heavy');
    writeHeavyScenarios(heavy, HEAVY);
    for (const args of [['--jobs', '8'], []]) {
      const { r, results, seconds, left } = runCli(heavy, path.join(work, `out-heavy-${args.length ? args[1] : 'default'}`), args);
      const failed = results ? results.results.filter((x) => !x.passed) : [];
      check(
        r.status === 0 && results?.counts.passed === HEAVY && left.length === 0,
        `weighted load: ${HEAVY} scenarios of 20 scripted clients, ${args.length ? args.join(' ') : 'default --jobs'}: exit ${r.status}, ${results?.counts.passed ?? '?'} passed, ${results?.counts.failed ?? '?'} failed, ${left.length} entries left in the temp base, ${seconds} s`,
      );
      for (const f of failed.slice(0, 5)) console.log(`     ${f.name}: ${JSON.stringify(f.failures).slice(0, 400)}`);
      if (r.status === 2) console.log(r.stderr.slice(0, 1000));
    }
  }

  if (wanted('memory')) {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc');
    const { runScenario } = require(path.join(root, 'dist', 'index.cjs'));
    const fdDir = existsSync('/proc/self/fd') ? '/proc/self/fd' : '/dev/fd';
    const sample = () => {
      gc();
      const m = process.memoryUsage();
      return { fds: readdirSync(fdDir).length, rssMB: +(m.rss / 2 ** 20).toFixed(1), heapMB: +(m.heapUsed / 2 ** 20).toFixed(1) };
    };
    const scenario = path.join(root, 'fixtures', 'basics', 'stream-echo.scenario.yaml');
    for (let i = 0; i < 20; i++) await runScenario(scenario, { tmpBase: base }); // warm-up
    const samples = [{ run: 0, ...sample() }];
    let failures = 0;
    const started = Date.now();
    for (let i = 1; i <= RUNS; i++) {
      const result = await runScenario(scenario, { tmpBase: base });
      if (!result.passed) {
        failures++;
        // A rare failure is the point of a soak: say what it was.
        console.log(`run ${i} failed: ${JSON.stringify(result.failures)}`);
        for (const p of result.peers) if (p.stderr.trim()) console.log(`  ${p.id} stderr: ${p.stderr.trim().slice(-400)}`);
      }
      if (i % Math.max(1, Math.floor(RUNS / 10)) === 0) samples.push({ run: i, ...sample() });
    }
    console.log(`${RUNS} runs in one process (${((Date.now() - started) / 1000).toFixed(1)} s):`);
    for (const s of samples) console.log(`     after ${String(s.run).padStart(5)} runs: ${s.fds} descriptors, RSS ${s.rssMB} MB, heap ${s.heapMB} MB`);
    const first = samples[0];
    const last = samples[samples.length - 1];
    const mid = samples[Math.floor(samples.length / 2)];
    check(failures === 0, `${RUNS} runs: ${failures} failed`);
    check(last.fds === first.fds, `descriptors: ${first.fds} before, ${last.fds} after`);
    // Flat means the second half adds no more than noise: a per-run leak grows linearly.
    check(last.heapMB - mid.heapMB < 2, `heap: ${first.heapMB} MB → ${mid.heapMB} MB (half-way) → ${last.heapMB} MB`);
    check(last.rssMB - mid.rssMB < 20, `RSS: ${first.rssMB} MB → ${mid.rssMB} MB (half-way) → ${last.rssMB} MB`);
    check(readdirSync(base).length === 0, 'temp base empty after the in-process runs');
  }

  if (wanted('escapes')) {
    const { runScenario } = require(path.join(root, 'dist', 'index.cjs'));
    if (process.platform !== 'linux') {
      console.log('skip escapees: macOS has no child subreaper; a process that leaves the group outlives the run there (README, Guarantees and limits)');
    } else {
      const escapees = path.join(root, '__tests__', 'reliability', 'fixtures', 'escapees.py');
      const alive = (pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch (err) {
          return err.code !== 'ESRCH';
        }
      };
      let survivors = 0;
      let wrong = 0;
      const escStarted = Date.now();
      for (let i = 1; i <= ESCAPES; i++) {
        const mode = i % 2 ? 'exit' : 'stay';
        const pidFile = path.join(work, `escapees-${i}.pid`);
        // 'stay' is aborted once the escapees exist (a timeout could beat a slow start)
        const controller = new AbortController();
        const watch = mode === 'stay' ? setInterval(() => existsSync(pidFile) && controller.abort(), 20) : undefined;
        const outcome = await runScenario(
          { name: `escapees ${mode}`, timeout: '1m', client: { run: ['python3', escapees, pidFile, mode] } },
          { tmpBase: base, baseDir: work, signal: controller.signal },
        ).then(
          (result) => (result.passed ? 'passed' : JSON.stringify(result.failures).slice(0, 300)),
          (err) => err.code ?? String(err),
        );
        clearInterval(watch);
        if (outcome !== (mode === 'exit' ? 'passed' : 'ERR_RUN_ABORTED')) {
          wrong++;
          console.log(`escapees run ${i} (${mode}): ${outcome}`);
        }
        const pids = existsSync(pidFile) ? readFileSync(pidFile, 'utf8').split(' ').map(Number) : [];
        for (const pid of pids.filter(alive)) {
          survivors++;
          console.log(`escapees run ${i} (${mode}): pid ${pid} outlived the run`);
          process.kill(pid, 'SIGKILL');
        }
        if (pids.length !== 2) {
          wrong++;
          console.log(`escapees run ${i} (${mode}): ${pids.length} escapee pids recorded, not 2`);
        }
      }
      check(survivors === 0 && wrong === 0, `${ESCAPES} runs with escapees (${((Date.now() - escStarted) / 1000).toFixed(1)} s): ${survivors} outlived their run, ${wrong} runs not as expected`);
      check(readdirSync(base).length === 0, 'temp base empty after the escapee runs');
    }
  }

  if (wanted('lifecycle') && LIFECYCLE > 0) {
    const { runScenario, loadScenario } = require(path.join(root, 'dist', 'index.cjs'));
    await lifecycleSoak(runScenario, loadScenario);
    check(readdirSync(base).length === 0, 'temp base empty after the lifecycle runs');
  }

  if (wanted('protocols') && PROTOCOLS > 0) {
    const { runScenario } = require(path.join(root, 'dist', 'index.cjs'));
    const dir = path.join(root, 'fixtures', 'protocols');
    // With them the scenario whose verdict rests on a small send buffer holding a sender back (Linux).
    const held = process.platform === 'linux' ? [path.join(root, 'fixtures', 'faults', 'held-back-by-sndbuf.scenario.yaml')] : [];
    for (const file of [...readdirSync(dir).filter((f) => f.endsWith('.scenario.yaml')).map((f) => path.join(dir, f)), ...held]) {
      let failed = 0;
      const durations = [];
      for (let i = 1; i <= PROTOCOLS; i++) {
        const result = await runScenario(file, { tmpBase: base });
        durations.push(result.durationMs);
        if (!result.passed) {
          failed++;
          console.log(`     ${file} run ${i}: ${JSON.stringify(result.failures)}`);
        }
      }
      check(failed === 0, `${path.basename(file)}: ${PROTOCOLS} runs in a row, ${failed} failed; wall time min / median / max ${spread(durations)} ms`);
    }
    check(readdirSync(base).length === 0, 'temp base empty after the protocol runs');
  }

  if (wanted('output') && OUTPUT > 0) {
    const dir = path.join(work, 'output');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, 'client.py'),
      [
        'import json, os, socket, sys, time',
        's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
        'me = os.path.join(os.environ["UDS_FIXTURE_DIR"], "c.sock")',
        's.bind(me)',
        // an event on fd 3 as well: the run's end then races the pipe of stdout more often
        'ev = socket.socket(fileno=int(os.environ["UDS_FIXTURE_EVENTS_FD"]))',
        'ev.sendall((json.dumps({"t": time.monotonic_ns(), "ev": "bind", "path": me}) + "\\n").encode())',
        's.sendto(b"ping", os.environ["UDS_FIXTURE_SOCKET"])',
        'got = s.recv(64).decode()',
        'os.unlink(me)',
        'sys.stdout.write(got + "\\n")',
        '',
      ].join('\n'),
    );
    for (let i = 0; i < OUTPUT; i++) {
      writeFileSync(
        path.join(dir, `o${i}.scenario.yaml`),
        `name: stdout at exit ${i}\nsocket: dgram\nserver:\n  steps: [listen, { recv: { from: client, text: ping } }, { send: { text: pong } }, close]\nclient:\n  run: [python3, client.py]\nexpect:\n  stdout: { client: pong }\n`,
      );
    }
    const { r, results, seconds, left } = runCli(dir, path.join(work, 'output-out'), ['--jobs', '16']);
    for (const x of results?.results.filter((y) => !y.passed) ?? []) console.log(`     ${x.name}: ${JSON.stringify(x.failures)}`);
    check(
      r.status === 0 && results?.counts.passed === OUTPUT && left.length === 0,
      `${OUTPUT} runs of a program that prints and exits at once, 16 at a time: ${results?.counts.passed ?? '?'} passed, ${results?.counts.failed ?? '?'} failed, ${seconds} s`,
    );
  }

  if (wanted('connects') && CONNECTS > 0) {
    const dir = path.join(work, 'connects');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < CONNECTS; i++) {
      writeFileSync(
        path.join(dir, `c${String(i).padStart(4, '0')}.scenario.yaml`),
        `name: three connects ${i}\nserver:\n  steps: [listen, accept, accept, accept, close]\nclients:\n  count: 3\n  steps: [connect, { waitFor: { peer: server, event: close } }, close]\n`,
      );
    }
    const stop = busyLoops();
    let result;
    try {
      result = runCli(dir, path.join(work, 'connects-out'), ['--jobs', '8', '--timelines']);
    } finally {
      stop();
    }
    const { r, results, seconds, left } = result;
    for (const x of results?.results.filter((y) => !y.passed) ?? []) console.log(`     ${x.name}: ${JSON.stringify(x.failures).slice(0, 300)}`);
    // In drawing order, the k-th accept needs k connects before it: each took a connect begun earlier.
    const timelines = path.join(work, 'connects-out', 'timelines');
    const drawn = existsSync(timelines) ? readdirSync(timelines).filter((f) => f.endsWith('.mmd')) : [];
    let early = 0;
    let runsWithEarly = 0;
    for (const f of drawn) {
      let connects = 0;
      let accepts = 0;
      let before = 0;
      for (const line of readFileSync(path.join(timelines, f), 'utf8').split('\n')) {
        if (/^ {2}Note over client_\d+: connect /.test(line)) connects++;
        if (/^ {2}Note over server: accept /.test(line) && ++accepts > connects) before++;
      }
      early += before;
      if (before > 0) runsWithEarly++;
    }
    check(
      r.status === 0 && results?.counts.passed === CONNECTS && drawn.length === CONNECTS && early === 0 && left.length === 0,
      `${CONNECTS} runs of three connects and accepts, --jobs 8, two busy loops beside (${seconds} s): ${results?.counts.failed ?? '?'} failed, ${drawn.length} timelines, ${early} accepts drawn before their connect (in ${runsWithEarly} runs)`,
    );
  }

  if (wanted('addresses') && ADDRESSES > 0) {
    const dir = path.join(work, 'addresses');
    mkdirSync(dir, { recursive: true });
    const announce = 'ev.sendall((json.dumps({"t": time.monotonic_ns(), "peer": os.environ["UDS_FIXTURE_PEER"], "ev": "bind", "path": me}) + "\\n").encode())';
    const send = 's.sendto(b"ping", os.environ["UDS_FIXTURE_SOCKET"])';
    for (const [name, order] of [['announce-first', [announce, send]], ['send-first', [send, announce]]]) {
      writeFileSync(
        path.join(dir, `${name}.py`),
        [
          'import json, os, socket, time',
          'me = os.path.join(os.environ["UDS_FIXTURE_DIR"], "py.sock")',
          's = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)',
          's.bind(me)',
          'ev = socket.socket(fileno=int(os.environ["UDS_FIXTURE_EVENTS_FD"]))',
          ...order,
          'print(s.recv(64).decode(), flush=True)',
          's.close()',
          'os.unlink(me)',
          '',
        ].join('\n'),
      );
    }
    for (let i = 0; i < ADDRESSES; i++) {
      const client = i % 2 ? 'send-first' : 'announce-first';
      writeFileSync(
        path.join(dir, `a${String(i).padStart(4, '0')}.scenario.yaml`),
        `name: python client known by its bind event ${i} (${client})\nsocket: dgram\nserver:\n  steps: [listen, { recv: { from: client, text: ping } }, { send: { text: pong } }, close]\nclient:\n  run: [python3, ${client}.py]\nexpect:\n  stdout: { client: pong }\n`,
      );
    }
    const stop = busyLoops();
    let result;
    try {
      result = runCli(dir, path.join(work, 'addresses-out'), ['--jobs', '8']);
    } finally {
      stop();
    }
    const { r, results, seconds, left } = result;
    const failed = results?.results.filter((y) => !y.passed) ?? [];
    const contradictory = failed.filter((x) => x.failures.some((f) => /which is client's/.test(f.message))).length;
    for (const x of failed.slice(0, 5)) console.log(`     ${x.name}: ${JSON.stringify(x.failures).slice(0, 1500)} ${JSON.stringify(x.peers?.map((p) => [p.id, p.stderr]))}`);
    check(
      r.status === 0 && results?.counts.passed === ADDRESSES && left.length === 0,
      `${ADDRESSES} runs of a python3 client known by its bind event (half announce after sending), --jobs 8, two busy loops beside (${seconds} s): ${results?.counts.passed ?? '?'} passed, ${failed.length} failed (${contradictory} saying the sender path was the client's)`,
    );
  }

  if (wanted('ready-exits') && READY_EXITS > 0) {
    const dir = path.join(work, 'ready-exits');
    mkdirSync(dir, { recursive: true });
    const text = readFileSync(path.join(root, 'fixtures', 'faults', 'refused-stale-socket.scenario.yaml'), 'utf8').replace(/^# yaml-language-server.*\n/m, '');
    for (let i = 0; i < READY_EXITS; i++) writeFileSync(path.join(dir, `r${String(i).padStart(4, '0')}.scenario.yaml`), text.replace(/^name: (.*)$/m, `name: $1 #${i}`));
    const stop = busyLoops();
    let result;
    try {
      result = runCli(dir, path.join(work, 'ready-exits-out'), ['--jobs', '8']);
    } finally {
      stop();
    }
    const { r, results, seconds, left } = result;
    const failed = results?.results.filter((y) => !y.passed) ?? [];
    const notReady = failed.filter((x) => x.failures.some((f) => f.code === 'NOT_READY')).length;
    for (const x of failed.slice(0, 3)) console.log(`     ${x.name}: ${JSON.stringify(x.failures).slice(0, 400)}`);
    check(
      r.status === 0 && results?.counts.passed === READY_EXITS && left.length === 0,
      `${READY_EXITS} runs of a server that listens, closes and exits at once, --jobs 8, two busy loops beside (${seconds} s): ${results?.counts.passed ?? '?'} passed, ${failed.length} failed (${notReady} NOT_READY)`,
    );
  }

  if (wanted('proxy') && PROXY > 0 && process.platform === 'linux') {
    const { runScenario, loadScenario } = require(path.join(root, 'dist', 'index.cjs'));
    const dir = path.join(root, 'fixtures', 'proxy');
    const buggy = async () => {
      const scenario = await loadScenario(path.join(dir, 'line-server-chunked.scenario.yaml'));
      return { ...scenario, server: { ...scenario.server, argv: scenario.server.argv.map((a) => (a === 'correct' ? 'buggy' : a)) } };
    };
    const cases = [
      ...readdirSync(dir).filter((f) => f.endsWith('.scenario.yaml')).map((f) => ({ name: f, load: async () => path.join(dir, f), pass: true })),
      { name: 'buggy line server under chunk: 1', load: buggy, pass: false },
    ];
    for (const c of cases) {
      let wrong = 0;
      const durations = [];
      // A failing case must fail the same way every run, in the same words (the client gets the
      // server's ERR, not an EOF; the server's exit reads the same whenever it ended).
      const words = new Map();
      for (let i = 1; i <= PROXY; i++) {
        const result = await runScenario(await c.load(), { tmpBase: base });
        durations.push(result.durationMs);
        if (!c.pass) {
          const key = result.failures.map((f) => `${f.code} ${f.peer ?? ''}: ${f.message}`).join('\n');
          words.set(key, (words.get(key) ?? 0) + 1);
        }
        if (result.passed !== c.pass) {
          wrong++;
          console.log(`     ${c.name} run ${i}: ${result.passed ? 'passed' : JSON.stringify(result.failures)}`);
        }
      }
      check(wrong === 0, `${c.name}: ${PROXY} runs in a row, ${c.pass ? 'must pass' : 'must fail'}, ${wrong} did not; wall time min / median / max ${spread(durations)} ms`);
      if (!c.pass) {
        for (const [key, n] of words) console.log(`     ${n} run(s):\n       ${key.replace(/\n/g, '\n       ')}`);
        check(words.size === 1, `${c.name}: the same failures in the same words in all ${PROXY} runs (${words.size} wording${words.size === 1 ? "" : "s"})`);
      }
    }
    check(readdirSync(base).length === 0, 'temp base empty after the proxy runs');
  }

  if (wanted('early-stops') && EARLY_STOPS > 0) {
    const { planRun, executePlan, normalizeScenario } = require(path.join(root, 'dist', 'index.cjs'));
    const silent = path.join(root, '__tests__', 'run', 'fixtures', 'silent.cjs');
    const endings = {};
    const started = Date.now();
    for (let i = 0; i < EARLY_STOPS; i++) {
      const scenario = normalizeScenario({ name: 'stopped at spawn', server: { run: [process.execPath, silent], ready: 'none' } }, { baseDir: root });
      const plan = planRun(scenario, { tmpBase: base, graceMs: 2000 });
      const controller = new AbortController();
      const record = await executePlan(plan, { signal: controller.signal, onEvent: (e) => e.ev === 'spawn' && controller.abort() });
      const end = String(record.peers[0].signal ?? record.peers[0].exitCode);
      endings[end] = (endings[end] ?? 0) + 1;
    }
    check(endings.SIGTERM === EARLY_STOPS, `${EARLY_STOPS} runs stopped at their peer's spawn (${((Date.now() - started) / 1000).toFixed(1)} s): the program ended by ${JSON.stringify(endings)}`);
    check(readdirSync(base).length === 0, 'temp base empty after the early stops');
  }

  if (wanted('timeout-names') && TIMEOUT_NAMES > 0) {
    const { runScenario } = require(path.join(root, 'dist', 'index.cjs'));
    let wrong = 0;
    let endedOnStop = 0;
    const started = Date.now();
    const stop = busyLoops();
    // The client is scripted, or a python3 program that dies of SIGTERM at once (no handler to
    // run), which closes its end sooner after the stop: the server's race with its own SIGTERM.
    // (the interpreter itself, not a version manager's shim, which takes seconds to start under load)
    const interpreter = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
    const python = [interpreter, '-c', 'import os, socket, time\ns = socket.socket(socket.AF_UNIX)\ns.connect(os.environ["UDS_FIXTURE_SOCKET"])\ns.sendall(b"hel")\ntime.sleep(60)'];
    const stuck = (k) =>
      runScenario(
        {
          name: 'both peers stuck',
          server: { steps: ['listen', 'accept', { recv: { text: 'hello' } }, 'close'] },
          client:
            k % 2 === 0
              ? { steps: ['connect', { waitFor: { peer: 'server', event: 'accept' } }, { send: { text: 'hel' } }, { waitFor: { peer: 'server', event: 'recv', timeout: '20s' } }, 'close'] }
              : { run: python },
        },
        // a program's start-up counts towards the timeout: the python3 client gets longer
        { tmpBase: base, timeout: k % 2 === 0 ? 4_000 : 5_000 },
      );
    // Four at a time: the stops of one run meet the others' work on the two cores.
    const all = [];
    for (let done = 0; done < TIMEOUT_NAMES; done += 4) all.push(...(await Promise.all(Array.from({ length: Math.min(4, TIMEOUT_NAMES - done) }, (_, j) => stuck(done + j)))));
    for (const [k, result] of all.entries()) {
      const i = k + 1;
      const scripted = k % 2 === 0;
      const timeout = result.failures.find((f) => f.code === 'TIMEOUT');
      // The one form: the server's step named as it was when stopped (3 of 5 bytes), and each
      // peer dead of its SIGTERM; not its recv failing on the client's end first.
      const ended = /which ended as the run was being stopped/.test(timeout?.message ?? '');
      if (ended) endedOnStop++;
      const signals = result.peers.map((p) => `${p.id}:${p.signal}`).join(' ');
      if (
        timeout?.peer !== 'server' ||
        timeout?.step?.name !== 'recv' ||
        !/server at step 3 \(recv\), waiting for \d+ ms for 5 bytes from the client; got 3; /.test(timeout.message) ||
        (scripted ? !/client at step 4/.test(timeout.message) : !/client \(it reported no event\)/.test(timeout.message)) ||
        signals !== 'server:SIGTERM client:SIGTERM'
      ) {
        wrong++;
        console.log(`     timeout run ${i} (${scripted ? 'scripted' : 'python3'} client): ${signals} ${JSON.stringify(timeout ?? result.failures).slice(0, 600)}`);
      }
    }
    stop();
    check(
      wrong === 0,
      `${TIMEOUT_NAMES} runs timing out with both peers stuck (half with a python3 client), four at a time, two busy loops beside (${((Date.now() - started) / 1000).toFixed(1)} s): ${wrong} not named as stuck in the server's recv with both peers dead of SIGTERM (${endedOnStop} of them: the server's step ended on the client's end before its own SIGTERM)`,
    );
    check(readdirSync(base).length === 0, 'temp base empty after the timeout runs');
  }

  if (wanted('causal') && CAUSAL > 0) {
    const { runScenario } = require(path.join(root, 'dist', 'index.cjs'));
    const trips = 20;
    const scenario = {
      name: 'ping-pong, dated',
      server: { steps: ['listen', 'accept', ...Array.from({ length: trips }, () => [{ recv: { text: 'ping' } }, { send: { text: 'pong' } }]).flat(), 'close'] },
      client: { steps: ['connect', ...Array.from({ length: trips }, () => [{ send: { text: 'ping' } }, { recv: { text: 'pong' } }]).flat(), 'close'] },
    };
    // Sends and receives of one direction, in order: the k-th receive took the k-th send.
    const inversions = (timeline, from, to) => {
      const sends = timeline.filter((e) => e.peer === from && e.ev === 'send');
      const recvs = timeline.filter((e) => e.peer === to && e.ev === 'recv');
      return recvs.filter((r, k) => sends[k] === undefined || sends[k].t >= r.t).length;
    };
    let failed = 0;
    let inverted = 0;
    const started = Date.now();
    for (let done = 0; done < CAUSAL; done += 4) {
      const results = await Promise.all(Array.from({ length: Math.min(4, CAUSAL - done) }, () => runScenario(scenario, { tmpBase: base })));
      for (const result of results) {
        if (!result.passed) failed++;
        inverted += inversions(result.timeline, 'client', 'server') + inversions(result.timeline, 'server', 'client');
      }
    }
    check(failed === 0 && inverted === 0, `${CAUSAL} ping-pong runs of ${trips} round trips, four at a time (${((Date.now() - started) / 1000).toFixed(1)} s): ${failed} failed, ${inverted} receives dated before their send`);
    check(readdirSync(base).length === 0, 'temp base empty after the causal runs');
  }

  if (wanted('pingpong') && PINGPONG > 0) {
    const { runScenario } = require(path.join(root, 'dist', 'index.cjs'));
    const trips = 200;
    const scenario = (kind) => ({
      name: `ping-pong, ${kind}`,
      server: {
        steps: [
          'listen',
          'accept',
          ...Array.from({ length: trips }, (_, i) => [{ recv: { text: 'ping' } }, { send: { text: kind === 'mismatch' && i === trips - 1 ? 'pang' : 'pong' } }]).flat(),
          ...(kind === 'silent' ? [{ recv: { text: 'never', timeout: '300ms' } }] : []),
          'close',
        ],
      },
      client: {
        steps: ['connect', ...Array.from({ length: trips }, () => [{ send: { text: 'ping' } }, { recv: { text: 'pong' } }]).flat(), ...(kind === 'silent' ? [{ waitFor: { peer: 'server', event: 'fail' } }] : []), 'close'],
      },
    });
    const expected = {
      pass: '[true,[]]',
      mismatch: `[false,[["STEP_FAILED","client","recv",${2 * trips},"step ${2 * trips + 1} (recv) failed: recv from the server got other bytes than expected (they differ at byte 1); expected \\"pong\\", got \\"pang\\""]]]`,
      silent: `[false,[["STEP_FAILED","server","recv",${2 * trips + 2},"step ${2 * trips + 3} (recv) failed: recv waited 300 ms for 5 bytes from the client; got 0"]]]`,
    };
    const verdict = (result) => JSON.stringify([result.passed, result.failures.map((f) => [f.code, f.peer, f.step?.name, f.step?.index, f.message])]);
    const kinds = ['pass', 'mismatch', 'silent'];
    let changed = 0;
    const started = Date.now();
    for (let i = 0; i < PINGPONG; i++) {
      const kind = kinds[i % 3];
      const native = Math.floor(i / 3) % 2 === 0;
      const budget = Math.floor(i / 6) % 2 === 0;
      const env = { ...(native ? {} : { UDS_FIXTURE_NATIVE_STEPS: '0' }), ...(budget ? { UDS_FIXTURE_PEER_WAIT_US: '500' } : {}) };
      const got = verdict(await runScenario(scenario(kind), { tmpBase: base, env }));
      if (got !== expected[kind]) {
        changed++;
        console.log(`     ping-pong run ${i + 1} (${kind}, steps ${native ? 'native' : 'in JavaScript'}, budget ${budget ? 'on' : 'off'}): ${got.slice(0, 400)}`);
      }
    }
    check(changed === 0, `${PINGPONG} scripted ping-pong runs of ${trips} round trips, steps native and in JavaScript, wait budget on and off, in turn (${((Date.now() - started) / 1000).toFixed(1)} s): ${changed} gave another verdict`);
    check(readdirSync(base).length === 0, 'temp base empty after the ping-pong runs');
  }

  if (wanted('fuzz')) {
    const started = Date.now();
    const jest = spawnSync(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '__tests__/reliability/loader-fuzz.property.test.ts'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, UDS_FIXTURE_FUZZ_RUNS: '10000' },
    });
    check(jest.status === 0, `loader fuzz, 10 000 mutated files (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    if (jest.status !== 0) console.log(jest.stderr.slice(-3000));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exitCode = ok ? 0 : 1;
