// Renders a timeline page in real headless Chromium and checks what it shows: the DOM the browser
// built (lanes, arrows, failure text) and the pixels of a screenshot (the failure mark is drawn in
// red). .ci/run installs Debian's chromium on Linux; without a browser the test is skipped with the
// reason in its title.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { timelineToHtml } from '../../src/report';
import { countColor, decodePng } from '../helpers/png';
import { failedEcho } from './fixtures';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const browser = CANDIDATES.find((p): p is string => Boolean(p && existsSync(p)));
const itBrowser = browser ? test : test.skip;
const why = browser ? '' : ' (skipped: no Chromium found; set CHROMIUM_PATH or install the chromium package)';

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
  const dir = mkdtempSync(path.join(tmpdir(), 'uds-fixture-html-'));
  try {
    const page = path.join(dir, 'timeline.html');
    writeFileSync(page, timelineToHtml(failedEcho()));
    const dom = chromium(['--dump-dom', `file://${page}`], path.join(dir, 'profile-dom'));
    expect(dom).toContain('<svg');
    expect(dom).toMatch(/<text class="lane"[^>]*>server<\/text>/);
    expect(dom).toMatch(/<text class="lane"[^>]*>client<\/text>/);
    expect(dom).toContain('send 4 B "ping"');
    expect(dom).toContain('✗ RECV_MISMATCH');

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
