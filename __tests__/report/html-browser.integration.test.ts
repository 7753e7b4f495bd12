// Renders a timeline page in real headless Chromium and checks what it shows: the DOM the browser
// built (lanes, arrows, failure text) and the pixels of a screenshot (the failure mark is drawn in
// red). .ci/run installs Debian's chromium on Linux; without a browser the test is skipped with the
// reason in its title (see __tests__/helpers/browser.ts for where it looks).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineScenario, runScenario, type ScenarioResult } from '../../src';
import { timelineToHtml, timelineToMermaid } from '../../src/report';
import { captureToHtml } from '../../src/report/html';
import { readCapture } from '../../src/report/capture';
import { buildTimelineModel } from '../../src/report/timeline-model';
import { findChromium, OWN_OVERRIDE } from '../helpers/browser';
import { countColor, decodePng } from '../helpers/png';
import { failedEcho } from './fixtures';

const found = findChromium();
const browser = 'path' in found ? found.path : undefined;
// A CHROMIUM_PATH that names nothing fails rather than skips: the user asked for that browser.
const itBrowser = browser || process.env[OWN_OVERRIDE] ? test : test.skip;
const why = 'missing' in found ? ` (skipped: ${found.missing})` : '';

function chromium(args: string[], userDataDir: string): string {
  return execFileSync(
    browser!,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${userDataDir}`,
      ...args,
    ],
    { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

itBrowser(`the HTML timeline renders lanes, arrows and a red failure mark in Chromium${why}`, () => {
  if (!browser) throw new Error('missing' in found ? found.missing : 'no browser');
  const dir = mkdtempSync(path.join(tmpdir(), 'uds-fixture-html-'));
  try {
    const page = path.join(dir, 'timeline.html');
    writeFileSync(page, timelineToHtml(failedEcho()));
    const dom = chromium(['--dump-dom', `file://${page}`], path.join(dir, 'profile-dom'));
    expect(dom).toContain('<svg');
    expect(dom).toMatch(/<text class="lane"[^>]*>server<\/text>/);
    expect(dom).toMatch(/<text class="lane"[^>]*>client<\/text>/);
    expect(dom).toContain('send 4 B "ping"');
    expect(dom).toContain('✗ client: RECV_MISMATCH');

    const shot = path.join(dir, 'shot.png');
    chromium([`--screenshot=${shot}`, '--window-size=900,700', '--hide-scrollbars', `file://${page}`], path.join(dir, 'profile-shot'));
    const img = decodePng(readFileSync(shot));
    expect(img.width).toBe(900);
    // #b00020 is the failure colour: the status line, the failure list and the timeline mark.
    expect(countColor(img, 0xb0, 0x00, 0x20)).toBeGreaterThan(200);
    // #6a1b9a marks descriptor arrows.
    expect(countColor(img, 0x6a, 0x1b, 0x9a)).toBeGreaterThan(50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

itBrowser(`a proxy capture's page renders its lanes and arrows in Chromium${why}`, () => {
  if (!browser) throw new Error('missing' in found ? found.missing : 'no browser');
  const dir = mkdtempSync(path.join(tmpdir(), 'uds-fixture-html-'));
  try {
    const record = (t: number, ev: string, fields: object = {}) => JSON.stringify({ t, peer: 'proxy', ev, via: 'proxy', ...fields });
    const data = (t: number, conn: number, sender: string, receiver: string, preview: string) => record(t, 'proxy-data', { conn, sender, receiver, message: 1, bytes: preview.length, preview });
    const text = [
      record(1_000_000, 'proxy-start', { listen: '/tmp/p', connect: '/tmp/s', type: 'stream', seed: 3, seeded: false, faults: { toServer: {}, toClient: {} } }),
      data(2_000_000, 1, 'client', 'server', 'ping'),
      data(3_000_000, 1, 'server', 'client', 'pong'),
      data(4_000_000, 2, 'client', 'server', 'hello'),
      record(5_000_000, 'proxy-stopped', { seed: 3, removedListenPath: true }),
    ].join('\n');
    const page = path.join(dir, 'capture.html');
    writeFileSync(page, captureToHtml(readCapture(text, 'capture.jsonl')));
    const dom = chromium(['--dump-dom', `file://${page}`], path.join(dir, 'profile-dom'));
    for (const lane of ['server', 'proxy', 'client#1', 'client#2']) expect(dom).toMatch(new RegExp(`<text class="lane"[^>]*>${lane}</text>`));
    for (const label of ['4 B "ping"', '4 B "pong"', '5 B "hello"']) expect(dom).toContain(label);
    expect(dom).toContain('stopped; 5 records over 4 ms');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// One real run feeds the tests below: a stream echo whose server answers "pnog" to "ping", after
// a small sequence exchange (latency picture) and a descriptor pass (descriptor arrow).
const echoAnswersWrong = defineScenario({
  name: 'echo answers wrong',
  socket: 'stream',
  files: { log: { content: 'line one\n' } },
  server: {
    steps: [
      'listen',
      'accept',
      { recv: { count: 5, size: 32, pattern: 'sequence' } },
      { recv: { text: 'ping' } },
      { sendFds: { files: ['log'] } },
      { send: { text: 'pnog' } },
      { recv: { eof: true } },
      'close',
    ],
  },
  client: {
    steps: [
      'connect',
      { send: { count: 5, size: 32, pattern: 'sequence' } },
      // On a stream the sequence receiver may read bytes sent right after the traffic (a bulk
      // engine matter, seen 2 runs in 20 at load): the ping waits until the traffic was taken.
      { waitFor: { peer: 'server', event: 'recv' } },
      { send: { text: 'ping' } },
      { recvFds: { count: 1 } },
      { recv: { text: 'pong' } },
      'close',
    ],
  },
  expect: { within: '5s', exit: { server: 0, client: 1 } },
});

describe('a failed run, drawn', () => {
  let result: ScenarioResult;
  beforeAll(async () => {
    result = await runScenario(echoAnswersWrong);
  }, 30_000);

  test('events are dated at the system call: each receive is later than the send it took', () => {
    const ev = (peer: string, name: string) => result.timeline.find((e) => e.peer === peer && e.ev === name && typeof e.messages !== 'number')!;
    expect(ev('server', 'recv').t).toBeGreaterThan(ev('client', 'send').t);
    expect(ev('client', 'recvFds').t).toBeGreaterThan(ev('server', 'sendFds').t);
    // the failed recv is dated when the wrong bytes arrived, and says how many it took
    const fail = result.timeline.find((e) => e.peer === 'client' && e.ev === 'fail')!;
    expect(fail).toMatchObject({ code: 'RECV_MISMATCH', bytes: 4, fromPeer: 'server' });
    expect(fail.t).toBeGreaterThan(ev('server', 'send').t);
  });

  test('the model pairs every send with its receive; message arrows agree with the traffic summary', () => {
    const arrows = buildTimelineModel(result).items.flatMap((i) => (i.kind === 'arrow' ? [i] : []));
    const pairs = arrows.filter((a) => !a.label.startsWith('#'));
    expect(pairs.map((a) => [a.from, a.to, a.label, a.fds, a.end?.failed, a.lost])).toEqual([
      ['client', 'server', 'send 4 B "ping"', false, false, undefined],
      ['server', 'client', 'sendFds ×1', true, false, undefined],
      ['server', 'client', 'send 4 B "pnog"', false, true, undefined],
    ]);
    const summary = result.timeline.find((e) => e.peer === 'server' && e.ev === 'traffic')!;
    expect(arrows.filter((a) => a.label.startsWith('#'))).toHaveLength(summary.received as number);
    for (const a of arrows) expect(a.end!.t).toBeGreaterThanOrEqual(a.t);
  });

  test('Mermaid lists the same arrows in the same order, with the same labels', () => {
    const arrows = buildTimelineModel(result).items.flatMap((i) => (i.kind === 'arrow' ? [i] : []));
    const lines = timelineToMermaid(result)
      .split('\n')
      .filter((l) => /^ {2}\S+(->>|-\)|-x)\S+: /.test(l));
    expect(lines.map((l) => l.replace(/^ {2}(\S+?)(->>|-\)|-x)(\S+?): (.*) \(\+[^()]*\)$/, '$1 $3 $4'))).toEqual(arrows.map((a) => `${a.from} ${a.to} ${a.label.replace(/#/g, ' ')}`)); // Mermaid has no '#' in a message
    expect(timelineToMermaid(result)).toContain('server->>client: send 4 B "pnog" (+');
  });

  itBrowser(`in Chromium the arrows read top to bottom in causal order and the whole failure is visible${why}`, () => {
    if (!browser) throw new Error('missing' in found ? found.missing : 'no browser');
    const dir = mkdtempSync(path.join(tmpdir(), 'uds-fixture-html-'));
    try {
      // The page has no script; a copy gets one that measures the laid-out DOM and writes it down.
      const measure = `<pre id="measured"></pre><script>
        const svg = document.querySelector('svg.timeline').getBoundingClientRect();
        const arrows = [...document.querySelectorAll('g.message')].map((g) => {
          const line = g.querySelector('line');
          return { from: g.dataset.from, to: g.dataset.to, t: Number(g.dataset.t), tEnd: g.dataset.tEnd === undefined ? null : Number(g.dataset.tEnd),
            y1: line.y1.baseVal.value, y2: line.y2.baseVal.value, cls: line.getAttribute('class'), label: g.querySelector('text').textContent };
        });
        const failures = [...document.querySelectorAll('g.failure')].map((g) => {
          const text = g.querySelector('text'); const r = text.getBoundingClientRect(); const style = getComputedStyle(text);
          return { peer: g.dataset.peer, y: g.querySelector('circle').cy.baseVal.value,
            text: [...text.querySelectorAll('tspan')].map((t) => t.textContent).join(' '),
            visible: style.visibility === 'visible' && style.display !== 'none' && r.width > 0 && r.height > 0,
            inside: r.left >= svg.left && r.right <= svg.right && r.bottom <= svg.bottom && r.right <= document.documentElement.scrollWidth };
        });
        const latency = [...document.querySelectorAll('figure.latency')].map((f) => ({ marks: [...f.querySelectorAll('text')].map((t) => t.textContent), bars: f.querySelectorAll('rect.bar').length }));
        document.getElementById('measured').textContent = JSON.stringify({ arrows, failures, latency });
      </script>`;
      const page = path.join(dir, 'timeline.html');
      writeFileSync(page, timelineToHtml(result).replace('</body>', `${measure}</body>`));
      const dom = chromium(['--dump-dom', `file://${page}`], path.join(dir, 'profile-dom'));
      const json = /<pre id="measured">([^<]*)<\/pre>/.exec(dom)?.[1];
      expect(json).toBeDefined();
      const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      const measured = JSON.parse(unescape(json!)) as {
        arrows: { from: string; to: string; t: number; tEnd: number | null; y1: number; y2: number; cls: string; label: string }[];
        failures: { peer: string; y: number; text: string; visible: boolean; inside: boolean }[];
        latency: { marks: string[]; bars: number }[];
      };

      // Causal: every arrow ends at or below where it starts, and top to bottom is time order.
      expect(measured.arrows.length).toBeGreaterThanOrEqual(8); // 5 sequence messages, ping, the descriptor, pnog
      for (const a of measured.arrows) {
        expect(a.tEnd).not.toBeNull();
        expect(a.y2).toBeGreaterThan(a.y1);
        expect(a.tEnd!).toBeGreaterThan(a.t);
      }
      const byY = [...measured.arrows].sort((a, b) => a.y1 - b.y1);
      expect(byY.map((a) => a.t)).toEqual([...byY.map((a) => a.t)].sort((x, y) => x - y));
      const ends = [...measured.arrows].sort((a, b) => a.y2 - b.y2);
      expect(ends.map((a) => a.tEnd)).toEqual([...ends.map((a) => a.tEnd!)].sort((x, y) => x - y));
      expect(measured.arrows.find((a) => a.cls.includes('fds'))).toMatchObject({ from: 'server', to: 'client' });

      // The wrong answer's arrow ends on the client's failure, whose whole message is on the page.
      const wrong = measured.arrows.find((a) => a.label === 'send 4 B "pnog"')!;
      expect(wrong.cls).toContain('failed');
      const failure = measured.failures.find((f) => f.peer === 'client')!;
      expect(failure.y).toBe(wrong.y2);
      const message = result.timeline.find((e) => e.peer === 'client' && e.ev === 'fail')!.message as string;
      expect(message).toContain('expected "pong", got "pnog"');
      expect(failure.text).toBe(`✗ client: RECV_MISMATCH: ${message}`);
      expect(failure).toMatchObject({ visible: true, inside: true });

      // The latency histogram: five messages, p50 and p99 and the within: bound marked.
      expect(measured.latency).toHaveLength(1);
      expect(measured.latency[0]!.bars).toBeGreaterThan(0);
      expect(measured.latency[0]!.marks.join(' ')).toMatch(/p50 .*p99 .*within: 5000 ms/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('finding a Chromium', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'uds-fixture-browsers-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function program(name: string, where = dir): string {
    mkdirSync(where, { recursive: true });
    const file = path.join(where, name);
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, 0o755);
    return file;
  }

  it('finds chromium-headless-shell on PATH, and prefers chromium in the same directory', () => {
    const shell = program('chromium-headless-shell');
    expect(findChromium({ PATH: `/nonexistent:${dir}` }, [])).toEqual({ path: shell });
    const full = program('chromium');
    expect(findChromium({ PATH: dir }, [])).toEqual({ path: full });
  });

  it('takes CHROME_PATH-like overrides that name a program, and insists on CHROMIUM_PATH', () => {
    const chrome = program('my-chrome', path.join(dir, 'opt'));
    expect(findChromium({ PATH: '', CHROME_PATH: path.join(dir, 'gone'), CHROME_BIN: chrome })).toEqual({ path: chrome });
    expect(findChromium({ PATH: '', CHROMIUM_PATH: path.join(dir, 'gone'), CHROME_BIN: chrome })).toEqual({
      missing: `CHROMIUM_PATH=${path.join(dir, 'gone')} is not an executable file`,
    });
    writeFileSync(path.join(dir, 'chromium'), 'not executable');
    expect(findChromium({ PATH: dir }, [])).toEqual({ missing: expect.stringContaining('no Chromium found') });
  });
});
