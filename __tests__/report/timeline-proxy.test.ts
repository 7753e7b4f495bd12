// The timeline through a forwarding proxy (scenario `proxy:`): the proxy's lane stands between the
// server and the clients, and a receive that took a message and failed on it ends the proxy's
// arrow to it — also when a fault took the message's descriptors off on the way.
import type { PeerEvent } from '../../src/protocol/events';
import type { ScenarioResult } from '../../src';
import { timelineToHtml, timelineToMermaid } from '../../src/report';
import { buildTimelineModel, type ArrowItem } from '../../src/report/timeline-model';

const spawn = (target: string): PeerEvent => ({ t: 0, peer: 'harness', ev: 'spawn', target, program: 'steps' });
const proxyEv = (t: number, ev: string, fields: Record<string, unknown>): PeerEvent => ({ t, peer: 'proxy', via: 'proxy', ev: `proxy-${ev}`, conn: 1, ...fields });

function resultOf(timeline: PeerEvent[], failures: ScenarioResult['failures'] = [], clients = ['client'], proxied = true): ScenarioResult {
  return {
    name: 'through the proxy',
    passed: failures.length === 0,
    failures,
    warnings: [],
    peers: ['server', ...clients].map((id) => ({ id, role: id === 'server' ? 'server' : 'client', pid: 1, exitCode: 0, signal: null, killedByHarness: false, end: 'self', stdout: '', stderr: '', argv: [] })),
    timeline: [spawn('server'), ...clients.map(spawn), { t: 1, peer: 'server', ev: 'listen', type: 'stream' }, ...(proxied ? [proxyEv(2, 'start', { seed: 1 })] : []), ...timeline],
  } as unknown as ScenarioResult;
}

const arrows = (r: ScenarioResult): ArrowItem[] => buildTimelineModel(r).items.flatMap((i) => (i.kind === 'arrow' ? [i] : []));
const drawn = (a: ArrowItem): string => `${a.from}→${a.to} end=${a.end ? `${a.end.t}${a.end.failed ? ' failed' : ''}` : 'none'}${a.lost ? ' lost' : ''}`;
const recvFailed = (peer: string, step: number, name: string): ScenarioResult['failures'][number] => ({ code: 'STEP_FAILED', peer, step: { name, index: step }, message: `${name} failed` });

test('the proxy lane stands between the server and the clients, in HTML and Mermaid alike', () => {
  const r = resultOf([proxyEv(3, 'open', { client: 'client-1' }), proxyEv(4, 'data', { sender: 'client-2', receiver: 'server', bytes: 1, message: 1 })], [], ['client-2', 'client-1']);
  expect(buildTimelineModel(r).lanes).toEqual(['server', 'proxy', 'client-1', 'client-2']);
  const participants = timelineToMermaid(r).split('\n').filter((l) => l.includes('participant')).map((l) => l.trim().split(' ')[1]);
  expect(participants).toEqual(['server', 'proxy', 'client_1', 'client_2']);
});

test('a server message the client read and failed on ends on the failure through the proxy, as it does directly', () => {
  const timeline = (proxied: boolean): PeerEvent[] => [
    { t: 10, peer: 'server', ev: 'send', bytes: 5, data: '"hello"' },
    ...(proxied ? [proxyEv(11, 'data', { sender: 'server', receiver: 'client', bytes: 5, message: 1, preview: 'hello' })] : []),
    { t: 12, peer: 'client', ev: 'fail', step: 1, bytes: 5, code: 'RECV_MISMATCH', message: 'expected "bye!!"' },
  ];
  const failure = [recvFailed('client', 1, 'recv')];
  expect(arrows(resultOf(timeline(false), failure, ['client'], false)).map(drawn)).toEqual(['server→client end=12 failed']);
  expect(arrows(resultOf(timeline(true), failure)).map(drawn)).toEqual(['server→proxy end=11', 'proxy→client end=12 failed']);
});

test('descriptors the proxy took off (dropFds): the recvFds that failed for want of them took the message', () => {
  const r = resultOf(
    [
      { t: 10, peer: 'server', ev: 'sendFds', count: 1, fds: [{ type: 'file' }], data: 'F' },
      proxyEv(11, 'fault', { sender: 'server', receiver: 'client', fault: 'dropFds', message: 1, offset: 0, detail: '1 fds closed, bytes forwarded' }),
      proxyEv(12, 'data', { sender: 'server', receiver: 'client', bytes: 1, message: 1, preview: 'F' }),
      { t: 13, peer: 'client', ev: 'fail', step: 1, bytes: 1, code: 'FD_COUNT', message: 'recvFds expected 1 descriptor, got 0' },
    ],
    [recvFailed('client', 1, 'recvFds')],
  );
  // no arrow "not received", none drawn on its own from the failed receive
  expect(arrows(r).map(drawn)).toEqual(['server→proxy end=12', 'proxy→client end=13 failed']);
});

test('a datagram the proxy dropped ends at the proxy; the receiver is not said to have missed what was never sent on', () => {
  const r = resultOf([
    { t: 10, peer: 'client', ev: 'send', bytes: 4, data: '"ping"' },
    proxyEv(11, 'fault', { sender: 'client', receiver: 'server', fault: 'drop', message: 1, offset: 0, detail: '4 bytes' }),
    { t: 20, peer: 'client', ev: 'send', bytes: 4, data: '"pong"' },
    proxyEv(21, 'data', { sender: 'client', receiver: 'server', bytes: 4, message: 2, preview: 'pong' }),
    { t: 22, peer: 'server', ev: 'recv', bytes: 4 },
  ]);
  r.timeline[3] = { t: 1, peer: 'server', ev: 'bind', type: 'dgram' };
  expect(arrows(r).map(drawn)).toEqual(['client→proxy end=11', 'client→proxy end=21', 'proxy→server end=22']);
});

test('a program that records no sends: its leg to the proxy is drawn where the proxy read it, before the onward leg', () => {
  const r = resultOf([
    proxyEv(11, 'data', { sender: 'server', receiver: 'client', bytes: 5, message: 1, preview: 'hello' }),
    { t: 12, peer: 'client', ev: 'recv', bytes: 5, data: '"hello"' },
  ]);
  (r.timeline[0] as PeerEvent).program = 'run'; // the server is a `run:` program
  expect(arrows(r).map(drawn)).toEqual(['server→proxy end=11', 'proxy→client end=12']);
  // scripted, the same server's send is its leg: nothing is drawn twice
  const scripted = resultOf([{ t: 10, peer: 'server', ev: 'send', bytes: 5, data: '"hello"' }, proxyEv(11, 'data', { sender: 'server', receiver: 'client', bytes: 5, message: 1, preview: 'hello' }), { t: 12, peer: 'client', ev: 'recv', bytes: 5, data: '"hello"' }]);
  expect(arrows(scripted).map(drawn)).toEqual(['server→proxy end=11', 'proxy→client end=12']);
});

test('in the HTML the onward leg leaves the proxy on or below the row where the first leg arrived', () => {
  // the proxy forwards at the moment it read: both are dated 11
  const r = resultOf([{ t: 10, peer: 'server', ev: 'send', bytes: 5, data: '"hello"' }, proxyEv(11, 'data', { sender: 'server', receiver: 'client', bytes: 5, message: 1, preview: 'hello' }), { t: 12, peer: 'client', ev: 'recv', bytes: 5, data: '"hello"' }]);
  const lines = [...timelineToHtml({ ...r, durationMs: 1 }).matchAll(/<line class="arrow[^"]*" x1="[^"]*" y1="([\d.]+)" x2="[^"]*" y2="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
  expect(lines).toHaveLength(2);
  const [first, onward] = lines as [[number, number], [number, number]];
  expect(onward[0]).toBeGreaterThanOrEqual(first[1]);
});

test('a send the proxy could not finish: the onward arrow shows only the bytes that went on, and the error', () => {
  const r = resultOf([
    { t: 10, peer: 'client', ev: 'send', bytes: 8, data: '"ADD 1 2\\n"' },
    proxyEv(11, 'data', { sender: 'client', receiver: 'server', bytes: 8, message: 1, preview: 'ADD 1 2\\n' }),
    { t: 12, peer: 'server', ev: 'recv', bytes: 1, data: '"A"' },
    proxyEv(13, 'error', { sender: 'client', receiver: 'server', message: 1, bytes: 8, delivered: 1, code: 'EPIPE', detail: 'sendmsg' }),
  ]);
  const [leg, onward] = arrows(r);
  expect(leg).toMatchObject({ from: 'client', to: 'proxy', label: 'send 8 B "ADD 1 2\\n"' });
  // the receive of the one byte that went on ends the arrow (its 8 would have left it waiting)
  expect(onward).toMatchObject({ from: 'proxy', to: 'server', label: '1 of 8 B "A", then EPIPE', end: { t: 12, failed: false } });
  expect(onward!.detail).toBe('via proxy: client→server 1 of 8 B "A", then EPIPE in sendmsg (it read 8 B "ADD 1 2\\n")');
  const mermaid = timelineToMermaid({ ...r, durationMs: 1 });
  expect(mermaid).toContain('proxy->>server: 1 of 8 B "A", then EPIPE');
  expect(mermaid).not.toContain('proxy->>server: 8 B');
  expect(mermaid).toContain('Note over proxy: error EPIPE in sendmsg: client→server msg 1, 1 of 8 B');
  // escapes count as the one byte they stand for
  const escaped = resultOf([proxyEv(11, 'data', { sender: 'client', receiver: 'server', bytes: 4, message: 1, preview: '\\n\\x00ab' }), proxyEv(13, 'error', { sender: 'client', receiver: 'server', message: 1, bytes: 4, delivered: 2, code: 'ECONNRESET', detail: 'sendmsg' })]);
  expect(arrows(escaped).find((a) => a.from === 'proxy')!.label).toBe('2 of 4 B "\\n\\x00", then ECONNRESET');
});
