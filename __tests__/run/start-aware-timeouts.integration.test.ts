// A step that waits on another peer (accept, recv, waitFor) counts its timeout from when that peer
// is running, not from when the step began: on a busy machine a peer can take seconds to start,
// and that is not the waiting peer's failure. The slow start is injected (fixtures/slow-start.cjs).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runScenario } from '../../src/pipeline/run-scenario';
import { startupMs } from '../../src/run/startup-time';
import { fixture } from './run-hand-made';

let base: string;
let dir: string;
beforeEach(() => {
  base = mkdtempSync('/tmp/udsf-slow-');
  dir = mkdtempSync('/tmp/udsf-slow-files-');
});
afterEach(() => {
  rmSync(base, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

/** `env:` that makes a scripted peer start `ms` late. */
const slowStart = (ms: number, only = ''): string =>
  `env: { NODE_OPTIONS: "--require ${fixture('slow-start.cjs')}", UDSF_SLOW_START_MS: "${ms}", UDSF_SLOW_START_PEER: "${only}" }`;

async function run(yaml: string) {
  const file = path.join(dir, 'slow.scenario.yaml');
  writeFileSync(file, yaml);
  const result = await runScenario(file, { tmpBase: base });
  expect(readdirSync(base)).toEqual([]);
  return result;
}

describe('step timeouts count from when the awaited peer is running', () => {
  it('accept: a client that starts after the accept timeout still gets accepted', async () => {
    const result = await run(`
name: slow client
server:
  steps: [listen, { accept: { timeout: 1s } }, { recv: { text: hi } }, close]
client:
  ${slowStart(2500)}
  steps: [connect, { send: { text: hi } }, close]
`);
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
    // the slow start did happen: the client started well after the server's accept began
    const t = (peer: string, ev: string) => result.timeline.find((e) => e.peer === peer && e.ev === ev)!.t;
    expect(t('client', 'start')).toBeGreaterThan(t('server', 'listen'));
  });

  it('accept: a timeout that still happens says when the client started', async () => {
    const result = await run(`
name: slow client that never connects
server:
  steps: [listen, { accept: { timeout: 500ms } }]
client:
  ${slowStart(1500)}
  steps: [{ waitFor: { peer: server, event: fail } }]
expect: { exit: { server: 1 } }
`);
    expect(result.passed).toBe(false);
    const fail = result.timeline.find((e) => e.peer === 'server' && e.ev === 'fail')!;
    expect(fail.code).toBe('STEP_TIMEOUT');
    expect(fail.message).toMatch(/^accept waited 500 ms after client started \(it started \d+\.\d s after the step began\) for a client to connect to /);
  });

  it('waitFor: counts from the named peer\'s start', async () => {
    const result = await run(`
name: slow second client
server:
  steps: [listen, accept, accept, close]
clients:
  count: 2
  ${slowStart(2000, 'client-2')}
  steps:
    - waitFor: { peer: client-2, event: start, timeout: 1s }
    - connect
    - close
`);
    expect(result.failures).toEqual([]);
  });

  it('recv: a datagram server waits for its slow client without burning its timeout', async () => {
    const result = await run(`
name: slow datagram client
socket: dgram
server:
  steps: [listen, { recv: { text: hi, timeout: 1s } }, close]
client:
  ${slowStart(2000)}
  steps: [bind, { send: { text: hi, to: server } }, close]
`);
    expect(result.failures).toEqual([]);
  });
});

describe('the run\'s timeout does not count the time its peers took to start', () => {
  it('a run whose client starts after the run timeout passed still passes', async () => {
    const result = await run(`
name: slow client, short run timeout
timeout: 2s
server:
  steps: [listen, accept, { recv: { text: hi } }, close]
client:
  ${slowStart(2000)}
  steps: [connect, { send: { text: hi } }, close]
`);
    expect(result.failures).toEqual([]);
    expect(startupMs(result.timeline)).toBeGreaterThan(2000);
  });

  it('a start-up longer than a short timeout is not counted either (the allowance is at least 10 s)', async () => {
    // a short run timeout on a loaded machine: Node alone can take longer than that to start.
    // (1 s, not less: what the run does besides starting, the harness's own spawning and reading
    // included, must fit in it on two busy cores; a 300 ms one failed there once.)
    const result = await run(`
name: slow client, very short run timeout
timeout: 1s
server:
  steps: [listen, accept, { recv: { text: hi } }, close]
client:
  ${slowStart(2500)}
  steps: [connect, { send: { text: hi } }, close]
`);
    expect(result.failures).toEqual([]);
    expect(startupMs(result.timeline)).toBeGreaterThan(2500);
  });

  it('a scripted server that starts after its readiness timeout still becomes ready', async () => {
    // readiness waits min(10 s, the run's timeout): 3 s here, less than the server takes to start
    const result = await run(`
name: slow server
timeout: 3s
server:
  ${slowStart(3500)}
  steps: [listen, accept, { recv: { text: hi } }, close]
client:
  steps: [connect, { send: { text: hi } }, close]
`);
    expect(result.failures).toEqual([]);
  });

  it('a run that still times out says how long its peers took to start', async () => {
    const result = await run(`
name: slow client that hangs
timeout: 1s
server:
  steps: [listen, accept, { recv: { text: never, timeout: 1m } }]
client:
  ${slowStart(500)}
  steps: [connect, { recv: { text: never, timeout: 1m } }]
`);
    expect(result.failures.map((f) => f.code)).toEqual(['TIMEOUT']);
    expect(result.failures[0]!.message).toMatch(/^the run exceeded its timeout of 1000 ms \(not counting \d+ ms its peers took to start(, of \d+ ms)?\); still running and killed: server at step 3/);
  });
});

describe('startupMs', () => {
  const ev = (t: number, peer: string, ev: string, more: Record<string, unknown> = {}) => ({ t: t * 1e6, peer, ev, ...more });
  it('is the union of the spawn-to-start intervals of scripted peers', () => {
    const timeline = [
      ev(0, 'harness', 'spawn', { target: 'server', program: 'steps' }),
      ev(100, 'server', 'start'),
      ev(150, 'harness', 'spawn', { target: 'client-1', program: 'steps' }),
      ev(160, 'harness', 'spawn', { target: 'client-2', program: 'steps' }),
      ev(170, 'harness', 'spawn', { target: 'prog', program: 'run' }),
      ev(300, 'client-2', 'start'),
      ev(400, 'client-1', 'start'),
      ev(500, 'prog', 'start'), // a program's own events never count
    ];
    expect(startupMs(timeline)).toBe(100 + 250);
    expect(startupMs([])).toBe(0);
    // a peer still starting counts until the time asked about, and not without one
    const starting = [ev(0, 'harness', 'spawn', { target: 'client', program: 'steps' })];
    expect(startupMs(starting, 700e6)).toBe(700);
    expect(startupMs(starting)).toBe(0);
  });
});
