// `proxy:` in a run: clients get the proxy's path, each connection is attributed to the client
// that made it (also one that has exited since), datagrams are mapped both ways, and the run
// leaves nothing: the proxy's socket and per-client paths are gone before leftovers are listed.
import path from 'node:path';

import { runScenario } from '../../src';
import type { ProxyFaultsInput } from '../../src/proxy';
import { buildTimelineModel } from '../../src/report/timeline-model';
import { timelineToMermaid } from '../../src/report';

it('three scripted clients: each connection and message is named after the client that made it', async () => {
  const result = await runScenario({
    name: 'three clients through the proxy',
    proxy: true,
    server: { steps: ['listen', 'accept', 'accept', 'accept', { recv: { text: 'x' } }, 'close'] },
    clients: { count: 3, steps: ['connect', { send: { text: 'x' } }, 'close'] },
    expect: { unreadData: 'ignore' },
  });
  expect(result.failures).toEqual([]);
  const proxied = result.timeline.filter((e) => e.peer === 'proxy');
  expect(proxied.filter((e) => e.ev === 'proxy-open').map((e) => e.client).sort()).toEqual(['client-1', 'client-2', 'client-3']);
  for (const data of proxied.filter((e) => e.ev === 'proxy-data')) expect(data).toMatchObject({ via: 'proxy', receiver: 'server', sender: expect.stringMatching(/^client-[123]$/), preview: 'x', bytes: 1 });
  expect(proxied.at(-1)).toMatchObject({ ev: 'proxy-stopped', seed: expect.any(Number), stats: { connections: 3, fds: { leaked: 0 } } });
}, 60_000);

it('the timeline draws each message through the proxy lane: sender → proxy as the proxy read it, proxy → receiver as it was taken', async () => {
  const result = await runScenario({
    name: 'echo through the proxy',
    proxy: true,
    server: { steps: ['listen', 'accept', { recv: { text: 'ping' } }, { send: { text: 'pong' } }, { recv: { eof: true } }, 'close'] },
    client: { steps: ['connect', { send: { text: 'ping' } }, { recv: { text: 'pong' } }, 'close'] },
  });
  expect(result.failures).toEqual([]);
  const arrows = buildTimelineModel(result).items.flatMap((i) => (i.kind === 'arrow' ? [i] : []));
  expect(arrows.map((a) => `${a.from}→${a.to}`)).toEqual(['client→proxy', 'proxy→server', 'server→proxy', 'proxy→client']);
  for (const a of arrows) {
    expect(a.end).toBeDefined(); // each taken: by the proxy, or by the peer's recv
    expect(a.end!.t).toBeGreaterThanOrEqual(a.t);
    expect(a.lost).toBeUndefined();
  }
  expect(arrows[1]!.label).toContain('"ping"');
  expect(arrows[3]!.label).toContain('"pong"');
  // the proxy forwards what it read before the receiver can take it
  expect(arrows[1]!.t).toBeGreaterThanOrEqual(arrows[0]!.t);
}, 60_000);

it('datagrams: the server sees the proxy, a duplicated datagram arrives twice, and the fault is on the timeline', async () => {
  const result = await runScenario({
    name: 'datagrams through the proxy',
    socket: 'dgram',
    proxy: { seed: 9, toServer: { duplicate: { message: 1 } } },
    server: { steps: ['bind', { recv: { text: 'ping' } }, { recv: { text: 'ping' } }, 'close'] },
    client: { steps: ['bind', { send: { text: 'ping' } }, 'close'] },
  });
  expect(result.failures).toEqual([]);
  expect(result.timeline.find((e) => e.ev === 'proxy-fault')).toMatchObject({ fault: 'duplicate', message: 1, sender: 'client', receiver: 'server' });
  expect(result.timeline.find((e) => e.ev === 'proxy-start')).toMatchObject({ seed: 9 });
}, 60_000);

it('a client that failed on a message it took through the proxy is drawn taking it: descriptors dropped on the way, recvFds fails, the proxy lane between', async () => {
  const result = await runScenario({
    name: 'descriptors dropped by the proxy',
    files: { log: { content: 'line one\n' } },
    proxy: { toClient: { dropFds: true } },
    server: { steps: ['listen', 'accept', { sendFds: { files: ['log'], data: 'F' } }, { recv: { eof: true } }, 'close'] },
    client: { steps: ['connect', { recvFds: { count: 1 } }, 'close'] },
    expect: { exit: { client: 1 } },
  });
  expect(result.failures.map((f) => f.code)).toEqual(['STEP_FAILED']);
  const model = buildTimelineModel(result);
  expect(model.lanes).toEqual(['server', 'proxy', 'client']);
  const arrows = model.items.flatMap((i) => (i.kind === 'arrow' ? [i] : []));
  expect(arrows.map((a) => `${a.from}→${a.to}`)).toEqual(['server→proxy', 'proxy→client']);
  const fail = result.timeline.find((e) => e.peer === 'client' && e.ev === 'fail')!;
  expect(arrows[1]).toMatchObject({ end: { t: fail.t, failed: true } });
  expect(arrows.some((a) => a.lost)).toBe(false);
  expect(timelineToMermaid(result)).not.toContain('not received');
}, 60_000);

const itLinux = process.platform === 'linux' ? it : it.skip; // macOS cannot pace chunks one read each (README)
const recvCounter = path.join(__dirname, 'programs', 'recv_count_server.py');

// `delay: { per: chunk }` holds each piece of the re-split: a Python server that counts its recv()
// calls per line sees one per byte, and each piece has its own delay event (no time is measured).
itLinux('delay per chunk: every piece held on its own, the reader sees each as a read, the faults agree', async () => {
  const run = (delay: ProxyFaultsInput['delay']) =>
    runScenario({
      name: 'a line in pieces, each held',
      proxy: { toServer: { chunk: 1, delay } },
      server: { run: ['python3', recvCounter, '${socket}'], ready: { stdout: 'listening' } },
      client: { steps: ['connect', { send: { text: 'hello\n' } }, { recv: { until: '\n', text: '6\n' } }, { send: { text: 'ab\n' } }, { recv: { until: '\n', text: '3\n' } }, 'close'] },
      expect: { exit: { server: 0 } },
    });
  const perChunk = await run({ time: '1ms', per: 'chunk' });
  expect(perChunk.failures).toEqual([]);
  const delays = perChunk.timeline.filter((e) => e.ev === 'proxy-fault' && e.fault === 'delay');
  expect(delays.map((e) => [e.message, e.offset, e.detail])).toEqual([
    ...[1, 2, 3, 4, 5, 6].map((k) => [1, k - 1, `1 ms before piece ${k}`]),
    ...[1, 2, 3].map((k) => [2, 5 + k, `1 ms before piece ${k}`]),
  ]);
  expect(perChunk.timeline.find((e) => e.ev === 'proxy-start')).toMatchObject({ faults: { toServer: { chunk: 1, delay: { time: '1ms', per: 'chunk' } } } });
  expect(perChunk.timeline.find((e) => e.ev === 'proxy-stopped')).toMatchObject({ stats: { faults: 11, faultsByName: { chunk: 2, delay: 9 } } });
  // per message (the default): one delay a read, the same pieces
  const perMessage = await run('1ms');
  expect(perMessage.failures).toEqual([]);
  expect(perMessage.timeline.filter((e) => e.ev === 'proxy-fault' && e.fault === 'delay').map((e) => [e.message, e.offset, e.detail])).toEqual([
    [1, 0, '1 ms'],
    [2, 6, '1 ms'],
  ]);
  expect(perMessage.timeline.find((e) => e.ev === 'proxy-stopped')).toMatchObject({ stats: { faults: 4, faultsByName: { chunk: 2, delay: 2 } } });
}, 60_000);
