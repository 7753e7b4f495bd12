// How the timeline pairs sends with receives, and what the page does with long text and latency.
import type { PeerEvent } from '../../src/protocol/events';
import { timelineToHtml } from '../../src/report';
import { timelineToMermaid } from '../../src/report';
import { wrapText } from '../../src/report/wrap';
import { latencyHistogram } from '../../src/report/latency-svg';
import { buildTimelineModel, type ArrowItem } from '../../src/report/timeline-model';
import { failedEcho } from './fixtures';

const spawn = (target: string, program = 'steps'): PeerEvent => ({ t: 0, peer: 'harness', ev: 'spawn', target, program });

function arrowsOf(timeline: PeerEvent[], type = 'stream'): ArrowItem[] {
  const r = failedEcho();
  r.failures = [];
  r.timeline = [spawn('server'), spawn('client'), { t: 1, peer: 'server', ev: 'listen', type }, ...timeline];
  return buildTimelineModel(r).items.flatMap((i) => (i.kind === 'arrow' ? [i] : []));
}

const send = (t: number, peer: string, bytes: number, data?: string): PeerEvent => ({ t, peer, ev: 'send', bytes, ...(data ? { data: JSON.stringify(data) } : {}) });
const recv = (t: number, peer: string, bytes: number): PeerEvent => ({ t, peer, ev: 'recv', bytes });

describe('pairing sends with receives', () => {
  test('on a stream, by bytes: a send ends at the receive that took its last byte', () => {
    // two sends read by one recv; one send read by two recvs
    const arrows = arrowsOf([send(10, 'client', 2), send(11, 'client', 2), recv(20, 'server', 4), send(30, 'client', 6), recv(40, 'server', 3), recv(50, 'server', 3)]);
    expect(arrows.map((a) => [a.t, a.end?.t])).toEqual([
      [10, 20],
      [11, 20],
      [30, 50],
    ]);
  });

  test('on a message socket, by rank, even when a datagram was cut', () => {
    const arrows = arrowsOf([send(10, 'client', 100), send(11, 'client', 5), recv(20, 'server', 64), recv(21, 'server', 5)], 'dgram');
    expect(arrows.map((a) => [a.t, a.end?.t])).toEqual([
      [10, 20],
      [11, 21],
    ]);
  });

  test('a receive is never paired with a send dated after it', () => {
    const arrows = arrowsOf([recv(5, 'server', 4), send(10, 'client', 4)]);
    expect(arrows.find((a) => a.from === 'client' && a.t === 10)).toMatchObject({ lost: true });
    expect(arrows.find((a) => a.t === 5)).toMatchObject({ from: 'client', to: 'server', label: 'recv 4 B' });
  });

  test('a send a scripted peer never received is marked; one to a program makes no claim', () => {
    expect(arrowsOf([send(10, 'client', 4)])[0]).toMatchObject({ lost: true });
    const r = failedEcho();
    r.timeline = [spawn('server', 'run'), spawn('client'), send(10, 'client', 4)];
    const [arrow] = buildTimelineModel(r).items.filter((i) => i.kind === 'arrow');
    expect(arrow).not.toHaveProperty('lost');
  });

  test('descriptors pair with descriptors, not with bytes on the same connection', () => {
    const arrows = arrowsOf([
      { t: 10, peer: 'server', ev: 'sendFds', count: 1, fds: [{}], data: 'F' },
      send(11, 'server', 4),
      recv(20, 'client', 4),
      { t: 21, peer: 'client', ev: 'recvFds', count: 1, data: 'F' },
    ]);
    expect(arrows.map((a) => [a.fds, a.t, a.end?.t])).toEqual([
      [true, 10, 21],
      [false, 11, 20],
    ]);
  });

  test('with two clients, a receive or send that names the other end by pid goes to the peer whose start had that pid', () => {
    const r = failedEcho();
    r.failures = [];
    r.timeline = [
      spawn('server'),
      spawn('client-1'),
      spawn('client-2'),
      { t: 1, peer: 'server', ev: 'listen', type: 'stream' },
      { t: 2, peer: 'client-1', ev: 'start', pid: 501 },
      { t: 3, peer: 'client-2', ev: 'start', pid: 502 },
      { ...send(10, 'client-2', 4), toPeer: 'server' },
      { ...recv(20, 'server', 4), fromPid: 502 },
      { ...send(30, 'server', 2), toPid: 501 },
      { ...recv(40, 'client-1', 2), fromPeer: 'server' },
    ];
    const arrows = buildTimelineModel(r).items.flatMap((i) => (i.kind === 'arrow' ? [i] : []));
    expect(arrows.map((a) => [a.from, a.to, a.t, a.end?.t])).toEqual([
      ['client-2', 'server', 10, 20],
      ['server', 'client-1', 30, 40],
    ]);
  });

  test('labels carry the byte count and a cut, escaped preview; the detail keeps it all', () => {
    const [arrow] = arrowsOf([send(10, 'client', 40, 'a fairly long line of text with <tags>'), recv(20, 'server', 40)]);
    expect(arrow!.label).toBe('send 40 B "a fairly long line of …');
    expect(arrow!.detail).toBe('send 40 B "a fairly long line of text with <tags>"');
    const html = timelineToHtml({ ...failedEcho(), timeline: [spawn('server'), spawn('client'), send(10, 'client', 40, 'a fairly long line of text with <tags>'), recv(20, 'server', 40)] });
    expect(html).toContain('<title>client → server: send 40 B &quot;a fairly long line of text with &lt;tags&gt;&quot;</title>');
  });
});

describe('long text on the page', () => {
  test('wraps at spaces and splits only words longer than a line; nothing is lost', () => {
    const text = `recv from the server got other bytes than expected; expected "pong", got ${'x'.repeat(150)} end`;
    const lines = wrapText(text, 40);
    expect(lines.every((l) => l.length <= 40)).toBe(true);
    expect(lines.slice(0, 3)).toEqual(['recv from the server got other bytes', 'than expected; expected "pong", got xxxx', 'x'.repeat(40)]);
    expect(lines.join('').replace(/\s+/g, '')).toBe(text.replace(/\s+/g, ''));
  });

  test('a failure note is written in full, line by line, with the full text on hover', () => {
    const r = failedEcho();
    const long = `expected "pong", got "pnog"; ${'and more detail '.repeat(12)}the end`;
    r.timeline = [{ t: 0, peer: 'client', ev: 'fail', code: 'RECV_MISMATCH', message: long }];
    const html = timelineToHtml(r);
    const tspans = [...html.matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((m) => m[1]!);
    expect(tspans.length).toBeGreaterThan(2);
    expect(tspans.join(' ').replace(/&quot;/g, '"')).toBe(`✗ client: RECV_MISMATCH: ${long}`);
    expect(html).not.toContain('…<');
    // and in Mermaid, on lines of its own
    const note = timelineToMermaid(r).split('\n').find((l) => l.includes('RECV_MISMATCH'))!;
    expect(note.split('<br/>').length).toBeGreaterThan(2);
    const words = (text: string) => text.replace(/<br\/>/g, ' ').replace(/;/g, ' ').split(/\s+/).join(' ');
    expect(words(note)).toContain(words(long));
  });
});

describe('latency picture', () => {
  const picture = { receiver: 'server', samples: [1e5, 2e5, 2e5, 3e6], count: 4, minNs: 1e5, p50Ns: 2e5, p99Ns: 3e6, maxNs: 3e6 };
  test('a small exchange is a histogram with p50, p99 and the within: bound; bars past the bound are red', () => {
    const svg = latencyHistogram(picture, 2);
    expect(svg).toContain('p50 200 µs');
    expect(svg).toContain('p99 3.00 ms');
    expect(svg).toContain('within: 2 ms');
    expect(svg).toContain('max 3.00 ms is over the bound');
    expect(svg.match(/class="bar over"/g)).toHaveLength(1);
    expect(svg.match(/class="bar"/g)).toHaveLength(2);
  });
  test('bulk traffic, which keeps only percentiles, is a band from min to max', () => {
    const svg = latencyHistogram({ ...picture, samples: [], count: 100000 }, undefined);
    expect(svg).toContain('100000 messages (bulk: percentiles only)');
    expect(svg).not.toContain('within:');
  });
  test('the page draws one per receiver of sequence traffic', () => {
    const r = failedEcho();
    r.withinMs = 5;
    r.timeline = [{ t: 0, peer: 'server', ev: 'traffic', role: 'receiver', count: 1, received: 1, latency: { count: 1, minNs: 5e5, meanNs: 5e5, p50Ns: 5e5, p99Ns: 5e5, maxNs: 5e5 } }];
    const html = timelineToHtml(r);
    expect(html).toContain('<h2>Latency</h2>');
    expect(html).toContain('within: 5 ms');
  });
});
