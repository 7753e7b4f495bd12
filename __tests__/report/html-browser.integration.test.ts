// Renders a timeline page in real headless Chromium and checks what it shows: the DOM the browser
// built (lanes, arrows, failure text) and the pixels of a screenshot (the failure mark is drawn in
// red). .ci/run installs Debian's chromium on Linux; without a browser the test is skipped with the
// reason in its title (see __tests__/helpers/browser.ts for where it looks).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { timelineToHtml } from '../../src/report';
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
