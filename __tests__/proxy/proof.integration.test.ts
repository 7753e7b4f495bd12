// What the proxy is for, shown with real programs (fixtures/python/line_server.py and
// line_client.py): a server that takes one recv() for one line passes until the bytes arrive in
// pieces (`chunk: 1`); a client that swallows ECONNRESET is caught by `reset:`.
import path from 'node:path';

import { loadScenario, runScenario } from '../../src';
import type { Scenario } from '../../src';
import { timelineToMermaid } from '../../src/report';
import { repoRoot } from '../helpers/child-script';

// Linux: macOS cannot pace chunks one read each, and gives EOF rather than ECONNRESET (README).
const itLinux = process.platform === 'linux' ? it : it.skip;
const fixtures = path.join(repoRoot, 'fixtures', 'proxy');

/** The fixture with one peer's `run:` argument STYLE replaced, and the proxy's faults replaced. */
async function variant(file: string, change: { peer: 'server' | 'client'; style: string; proxy?: Scenario['proxy'] }): Promise<Scenario> {
  const scenario = await loadScenario(path.join(fixtures, file));
  const peer = change.peer === 'server' ? scenario.server! : scenario.clients!;
  if (peer.kind !== 'run') throw new Error(`${file}: the ${change.peer} is not a run: peer`);
  const argv = peer.argv.map((arg) => (arg === 'correct' || arg === 'careful' ? change.style : arg));
  const changed = { ...peer, argv };
  return {
    ...scenario,
    ...(change.peer === 'server' ? { server: changed } : { clients: { ...scenario.clients!, ...changed } }),
    ...(change.proxy !== undefined ? { proxy: change.proxy } : {}),
  } as Scenario;
}

const noFaults: Scenario['proxy'] = { capture: true, toServer: {}, toClient: {} };

itLinux('the buggy line server passes while each line arrives in one piece, and fails under chunk: 1', async () => {
  const plain = await runScenario(await variant('line-server-chunked.scenario.yaml', { peer: 'server', style: 'buggy', proxy: noFaults }));
  expect(plain.failures).toEqual([]);
  const chunked = await runScenario(await variant('line-server-chunked.scenario.yaml', { peer: 'server', style: 'buggy' }));
  expect(chunked.passed).toBe(false);
  // the server met a line cut in pieces: "A", not "ADD 1 2"
  expect(chunked.peers.find((p) => p.id === 'server')).toMatchObject({ exitCode: 3, stderr: expect.stringContaining("unknown command 'A'") });
  expect(chunked.timeline.filter((e) => e.ev === 'proxy-data' && e.sender === 'client').length).toBeGreaterThan(0);
  // The server read "A" and closed; the proxy's next piece failed. Its error names the message and
  // how much of it went on (every piece before the failed one: under chunk each waits for the read
  // of the last, so 1 byte unless the server closed between the proxy's check and its next send).
  const cut = chunked.timeline.find((e) => e.ev === 'proxy-error');
  expect(cut).toMatchObject({ via: 'proxy', sender: 'client', receiver: 'server', conn: 1, message: 1, bytes: 8, code: 'EPIPE', detail: 'sendmsg' });
  const delivered = cut!.delivered as number;
  expect(delivered).toBeGreaterThanOrEqual(1);
  expect(delivered).toBeLessThan(8);
  // the timeline says what reached the server, never the whole line
  const mermaid = timelineToMermaid(chunked);
  expect(mermaid).toContain(`proxy->>server: ${delivered} of 8 B "${'ADD 1 2'.slice(0, delivered)}", then EPIPE`);
  expect(mermaid).not.toMatch(/proxy->>server: 8 B/);
  expect(mermaid).toContain(`error EPIPE in sendmsg: client→server msg 1, ${delivered} of 8 B`);
  // the server's "ERR" still reached the client: the failed direction did not end the other
  expect(chunked.failures.find((f) => f.code === 'STEP_FAILED')?.message).toContain('got "ERR\\n"');
}, 60_000);

itLinux('the correct line server passes with and without chunk: 1', async () => {
  const chunked = await runScenario(path.join(fixtures, 'line-server-chunked.scenario.yaml'));
  expect(chunked.failures).toEqual([]);
  // every line the client sent was re-split: a fault on the timeline each, counted in the stats
  const faults = chunked.timeline.filter((e) => e.ev === 'proxy-fault');
  expect(faults.map((e) => [e.fault, e.sender, e.receiver])).toEqual(faults.map(() => ['chunk', 'client', 'server']));
  const split = faults.map((e) => /^(\d+) bytes re-split into (\d+) pieces of 1 byte$/.exec(String(e.detail)));
  expect(split.every((m) => m !== null && m[1] === m[2])).toBe(true);
  expect(split.reduce((sum, m) => sum + Number(m![1]), 0)).toBe('ADD 1 2\nADD 20 22\nQUIT\n'.length);
  expect(chunked.timeline.find((e) => e.ev === 'proxy-stopped')).toMatchObject({ stats: { faults: faults.length } });
  expect((await runScenario(await variant('line-server-chunked.scenario.yaml', { peer: 'server', style: 'correct', proxy: noFaults }))).failures).toEqual([]);
}, 60_000);

itLinux('delay per chunk: the correct line server passes with 5 ms between the pieces; the buggy one fails on the first piece', async () => {
  const paced = await runScenario(path.join(fixtures, 'line-server-paced.scenario.yaml'));
  expect(paced.failures).toEqual([]);
  // a delay before each byte of "ADD 1 2\nQUIT\n", at that byte
  const delays = paced.timeline.filter((e) => e.ev === 'proxy-fault' && e.fault === 'delay');
  expect(delays.map((e) => e.offset)).toEqual([...Array('ADD 1 2\nQUIT\n'.length).keys()]);
  expect(paced.timeline.find((e) => e.ev === 'proxy-stopped')).toMatchObject({ stats: { faults: 2 + delays.length, faultsByName: { chunk: 2, delay: delays.length } } });
  const buggy = await runScenario(await variant('line-server-paced.scenario.yaml', { peer: 'server', style: 'buggy' }));
  expect(buggy.peers.find((p) => p.id === 'server')).toMatchObject({ exitCode: 3, stderr: expect.stringContaining("unknown command 'A'") });
}, 60_000);

itLinux('reset: the careful client exits 1 on ECONNRESET (declared); the careless one is caught', async () => {
  const careful = await runScenario(path.join(fixtures, 'careful-client-reset.scenario.yaml'));
  expect(careful.failures).toEqual([]);
  expect(careful.timeline.find((e) => e.ev === 'proxy-fault')).toMatchObject({ fault: 'reset', sender: 'client', receiver: 'server', via: 'proxy' });
  const careless = await runScenario(await variant('careful-client-reset.scenario.yaml', { peer: 'client', style: 'careless' }));
  expect(careless.passed).toBe(false);
  expect(careless.failures.map((f) => f.message).join('\n')).toMatch(/client/);
}, 60_000);
