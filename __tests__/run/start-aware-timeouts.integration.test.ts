// A step that waits on another peer (accept, recv, waitFor) counts its timeout from when that peer
// is running, not from when the step began: on a busy machine a peer can take seconds to start,
// and that is not the waiting peer's failure. The slow start is injected (fixtures/slow-start.cjs).
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runScenario } from '../../src/run/run-scenario';
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
