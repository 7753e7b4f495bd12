import { countResults, palette, timelineToHtml, timelineToMermaid, toGithubSummary, toJUnit, toPretty, wantsColor } from '../../src/report';
import { failedEcho, passed } from './fixtures';

const plain = palette(false);

describe('JUnit XML', () => {
  const summary = {
    results: [failedEcho(), passed('ok one'), { ...passed('mac only'), skipped: 'platforms: [darwin] does not include linux' }],
    invalid: [{ file: 'bad.scenario.yaml', message: 'bad.scenario.yaml:3:1: unknown key `nmae`' }],
    durationMs: 2500,
  };
  const xml = toJUnit(summary);

  test('counts tests, failures, errors and skipped on the suite', () => {
    expect(xml).toContain('<testsuite name="uds-fixture" tests="4" failures="1" errors="1" skipped="1" time="2.500">');
  });
  test('a failed scenario has a <failure> with its first reason and every reason in the body', () => {
    expect(xml).toContain('<failure message="recv expected &quot;pong&quot; (4 bytes), got &quot;pang&quot;" type="STEP_FAILED">');
    expect(xml).toContain('EXIT_MISMATCH client: client exited with code 1, expected 0');
    expect(xml).toContain(' at /work/fixtures/echo.scenario.yaml:17:9');
  });
  test('escapes markup and drops characters XML cannot carry', () => {
    expect(xml).toContain('name="stream echo &lt;with&gt; &quot;quotes&quot; &amp; ampersands"');
    expect(xml).toContain('<system-err>[client] boom &lt;bad&gt;');
    expect(xml).not.toContain('\x07');
  });
  test('skipped scenarios carry the reason; invalid files are errors', () => {
    expect(xml).toContain('<skipped message="platforms: [darwin] does not include linux"/>');
    expect(xml).toContain('<error message="invalid scenario file" type="ERR_SCENARIO_INVALID">bad.scenario.yaml:3:1: unknown key `nmae`</error>');
  });
  test('the time of each test case is in seconds', () => {
    expect(xml).toMatch(/<testcase name="ok one" classname="[^"]+" time="0.010">/);
  });
});

describe('Mermaid timeline', () => {
  const text = timelineToMermaid(failedEcho());
  test('declares peers as participants, server first', () => {
    expect(text.split('\n').slice(0, 3)).toEqual(['sequenceDiagram', '  participant server as server', '  participant client as client']);
  });
  test('sends are arrows to the other side, with the times of the send and of the receive that took it', () => {
    expect(text).toContain('  client->>server: send 4 B "ping" (+2.000 ms → +2.500 ms)');
    // a scripted receiver that never took it: a cross, and said
    expect(text).toContain('  server-xclient: sendFds ×1 — not received (+3.000 ms)');
  });
  test('bulk traffic is one summarised arrow, failures are marked notes', () => {
    expect(text).toContain('  server-)client: 100000 × 64 B sequence (+4.000 ms)');
    expect(text).toContain('  Note over client: ❌ RECV_MISMATCH: expected "pong", got "pang"');
  });
  test('a verdict reached after the run (no step: a socket file left behind) closes the diagram on its peer', () => {
    const r = failedEcho();
    r.failures = [...r.failures, { code: 'LEFTOVER_SOCKET', peer: 'server', message: 'socket file s.sock was left in the run directory' }];
    const lines = timelineToMermaid(r).trimEnd().split('\n');
    expect(lines.at(-1)!.replace(/<br\/>/g, ' ')).toBe('  Note over server: ❌ LEFTOVER_SOCKET: socket file s.sock was left in the run directory');
    // a failed step is drawn where it failed, not again at the end
    expect(lines.filter((l) => l.includes('RECV_MISMATCH'))).toHaveLength(1);
  });
  test('characters that break Mermaid are replaced', () => {
    const r = failedEcho();
    r.timeline = [{ t: 0, peer: 'client', ev: 'fail', code: 'X', message: 'a;b#c<d>' }];
    expect(timelineToMermaid(r)).toContain('Note over client: ❌ X: a b c‹d›');
  });
});

describe('HTML timeline', () => {
  const html = timelineToHtml(failedEcho());
  test('is one self-contained page: no external script, style or image', () => {
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toContain('<svg');
  });
  test('shows lanes, arrows, failures with their position, and peer output', () => {
    expect(html).toContain('>server</text>');
    expect(html).toContain('class="arrow fds lost"');
    expect(html).toContain('class="arrow bulk"');
    expect(html).toContain('/work/fixtures/echo.scenario.yaml:17:9');
    expect(html).toContain('client — exit 1');
    expect(html).toContain('&lt;with&gt;');
  });
});

describe('pretty text', () => {
  test('lists each scenario, the failure details and stderr tail, then the counts', () => {
    const text = toPretty({ results: [failedEcho(), passed('ok one')], invalid: [], durationMs: 1500 }, plain, { reportFiles: ['out/junit.xml'] });
    expect(text).toContain('✗ fail stream echo');
    expect(text).toContain('✓ pass ok one');
    expect(text).toContain('  STEP_FAILED client: recv expected "pong" (4 bytes), got "pang" at /work/fixtures/echo.scenario.yaml:17:9');
    expect(text).toContain('    | boom');
    expect(text).toContain('1 passed, 1 failed (2 scenarios in 1.50 s)');
    expect(text).toContain('  out/junit.xml');
  });
  test('colours only when asked', () => {
    expect(palette(true).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(wantsColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor({ isTTY: false }, {})).toBe(false);
    expect(wantsColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(wantsColor({ isTTY: true }, {})).toBe(true);
  });
});

test('GitHub summary has the counts and a mermaid block per failed scenario', () => {
  const md = toGithubSummary({ results: [failedEcho(), passed('ok')], invalid: [], durationMs: 1 });
  expect(md).toContain('### uds-fixture: 1 passed, 1 failed');
  expect(md).toContain('```mermaid\nsequenceDiagram');
  expect(md.match(/```mermaid/g)).toHaveLength(1);
});

test('countResults separates passed, failed, skipped and invalid', () => {
  const c = countResults({
    results: [failedEcho(), passed('a'), { ...passed('b'), skipped: 'x' }],
    invalid: [{ file: 'f', message: 'm' }],
    durationMs: 0,
  });
  expect(c).toEqual({ total: 4, passed: 1, failed: 1, skipped: 1, invalid: 1 });
});

describe('how the peers ended', () => {
  const stopped = () => {
    const r = failedEcho();
    r.peers[0] = {
      ...r.peers[0]!,
      exitCode: null,
      signal: 'SIGTERM',
      end: 'planned-stop',
      killedByHarness: true,
      plannedStop: { from: 'clients', afterMs: 2000, signal: 'SIGTERM', graceMs: 2000, sent: ['SIGTERM'], endedAfterMs: 2010 },
    };
    r.timeline = [
      { t: 0, peer: 'harness', ev: 'stop-wait', target: 'server', from: 'clients', afterMs: 2000, signal: 'SIGTERM' },
      { t: 2e9, peer: 'harness', ev: 'stop', target: 'server', signal: 'SIGTERM', reason: 'planned-stop' },
      { t: 2.01e9, peer: 'harness', ev: 'exit', target: 'server', code: null, signal: 'SIGTERM', end: 'planned-stop', afterMs: 2010, from: 'clients' },
    ];
    return r;
  };
  test('the timeline draws a planned stop as notes on the peer, not as a kill', () => {
    const text = timelineToMermaid(stopped()).replace(/<br\/>/g, ' '); // long notes are wrapped
    expect(text).toMatch(/Note over server: harness: the clients ended. waiting up to 2000 ms for server to end by itself/);
    expect(text).toContain('Note over server: harness: planned stop, SIGTERM');
    expect(text).toContain('Note over server: stopped by the harness, killed by SIGTERM');
    expect(text).not.toContain('❌ killed by SIGTERM');
  });
  test('the pretty report says who ended each peer the harness had a hand in', () => {
    const text = toPretty({ results: [stopped()], invalid: [], durationMs: 1 }, plain);
    expect(text).toContain('  how the peers ended:\n    server was stopped by the harness (SIGTERM 2000 ms after the clients ended) and was killed by SIGTERM\n');
  });
});
