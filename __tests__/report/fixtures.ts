import type { ScenarioResult } from '../../src/judge/result';

/** A failed run as the judge would produce it: a stream echo whose client received the wrong bytes. */
export function failedEcho(): ScenarioResult {
  const t0 = 1_000_000_000;
  return {
    name: 'stream echo <with> "quotes" & ampersands',
    file: '/work/fixtures/echo.scenario.yaml',
    passed: false,
    failures: [
      {
        code: 'STEP_FAILED',
        peer: 'client',
        step: { name: 'recv', index: 2 },
        pos: { file: '/work/fixtures/echo.scenario.yaml', line: 17, col: 9 },
        message: 'recv expected "pong" (4 bytes), got "pang"',
        cause: 'RECV_MISMATCH',
      },
      { code: 'EXIT_MISMATCH', peer: 'client', message: 'client exited with code 1, expected 0' },
    ],
    warnings: [],
    peers: [
      { id: 'server', role: 'server', pid: 10, exitCode: 0, signal: null, killedByHarness: false, end: 'self', stdout: '', stderr: '', argv: ['node'] },
      { id: 'client', role: 'client', pid: 11, exitCode: 1, signal: null, killedByHarness: false, end: 'self', stdout: 'hello\n', stderr: 'boom\x07 <bad>\n', argv: ['node'] },
    ],
    timeline: [
      { t: t0, peer: 'server', ev: 'listen', step: 0 },
      { t: t0 + 1e6, peer: 'client', ev: 'connect', step: 0 },
      { t: t0 + 2e6, peer: 'client', ev: 'send', step: 1, bytes: 4, text: 'ping' },
      { t: t0 + 2.5e6, peer: 'server', ev: 'recv', step: 2, bytes: 4, data: '"ping"' },
      { t: t0 + 3e6, peer: 'server', ev: 'sendFds', step: 3, fds: [{ dev: 1, ino: 2 }] },
      { t: t0 + 4e6, peer: 'server', ev: 'traffic', role: 'sender', count: 100000, size: '64' },
      { t: t0 + 5e6, peer: 'client', ev: 'fail', step: 2, code: 'RECV_MISMATCH', message: 'expected "pong", got "pang"' },
    ],
    durationMs: 123.4,
    tags: ['smoke'],
  };
}

export function passed(name: string): ScenarioResult {
  return { ...failedEcho(), name, passed: true, failures: [], timeline: [], durationMs: 10 };
}
