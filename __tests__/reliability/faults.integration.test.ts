// The fault scenarios shipped in fixtures/faults do what they claim: the timeline shows the fault.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runScenario } from '../../src/pipeline/run-scenario';
import { repoRoot } from '../helpers/child-script';

let base: string;
beforeAll(() => {
  base = mkdtempSync('/tmp/udsf-faults-');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const run = (name: string) => runScenario(path.join(repoRoot, 'fixtures', 'faults', `${name}.scenario.yaml`), { tmpBase: base });
const evs = (r: Awaited<ReturnType<typeof run>>, peer: string) => r.timeline.filter((e) => e.peer === peer).map((e) => e.ev);

describe('fault scenarios', () => {
  afterEach(() => expect(readdirSync(base)).toEqual([]));

  it('a peer dies mid-transfer: the writer gets EPIPE or ECONNRESET, not SIGPIPE', async () => {
    const r = await run('peer-dies-mid-transfer');
    expect(r.failures).toEqual([]);
    const gone = r.timeline.find((e) => e.peer === 'server' && e.ev === 'peer-gone');
    expect(gone?.code).toMatch(/^(EPIPE|ECONNRESET)$/);
    expect(r.peers.find((p) => p.id === 'client')).toMatchObject({ signal: 'SIGKILL' });
  });

  it('a slow reader: the writer stalls first, then every byte arrives', async () => {
    const r = await run('slow-reader-backpressure');
    expect(r.failures).toEqual([]);
    const order = r.timeline.filter((e) => ['stalled', 'received'].includes(e.ev)).map((e) => `${e.peer}:${e.ev}`);
    expect(order).toEqual(['server:stalled', 'client:received']);
    expect(r.timeline.find((e) => e.ev === 'received')?.bytes).toBe(4 * 1024 * 1024);
  });

  it('a stale socket file before the server starts is found refused, removed, and replaced', async () => {
    const r = await run('stale-socket-before-server');
    expect(r.failures).toEqual([]);
    expect(evs(r, 'server').indexOf('stale-found')).toBeLessThan(evs(r, 'server').indexOf('listen'));
  });

  it('a client that connects before the server listens meets ENOENT, then succeeds', async () => {
    const r = await run('connect-before-listen');
    expect(r.failures).toEqual([]);
    const first = r.timeline.find((e) => e.peer === 'client' && e.ev === 'error');
    const listen = r.timeline.find((e) => e.peer === 'server' && e.ev === 'listen');
    expect(first).toMatchObject({ code: 'ENOENT' });
    expect(first!.t).toBeLessThan(listen!.t);
  });

  it('descriptors in flight are received after their sender exited', async () => {
    const r = await run('descriptors-in-flight');
    expect(r.failures).toEqual([]);
    const clientExit = r.timeline.find((e) => e.peer === 'client' && e.ev === 'exit');
    const received = r.timeline.find((e) => e.peer === 'server' && e.ev === 'recvFds');
    expect(clientExit!.t).toBeLessThan(received!.t);
  });
});
