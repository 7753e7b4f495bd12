// Descriptor verdicts that must fail, through real runs of inline scenarios: a received descriptor
// of the wrong kind, mode or identity fails the recvFds step (STEP_FAILED, cause FD_MISMATCH) with
// a message naming what was expected and what came; and a module peer that opens a file and never
// closes it ends the run with an FD_LEAK naming the descriptor and the file.
import path from 'node:path';
import { defineScenario, runScenario, type FdExpectInput, type ScenarioResult } from '../../src';

/**
 * The client passes the declared file `log` (mode 0640); the server receives it and checks it
 * against `expect`. `other` is a second declared file, a different inode.
 */
function passLog(name: string, expect: FdExpectInput[]): Promise<ScenarioResult> {
  return runScenario(
    defineScenario({
      name,
      socket: 'stream',
      files: { log: { content: 'line one\n', mode: '0640' }, other: { content: 'other\n' } },
      server: { steps: ['listen', 'accept', { recvFds: { count: 1, expect } }, 'close'] },
      client: { steps: ['connect', { sendFds: { files: ['log'] } }, 'close'] },
    }),
  );
}

/** The recvFds step (index 2) of the server failed, with this message, and nothing else did. */
function expectRecvFdsFailure(result: ScenarioResult, detail: string | RegExp): void {
  expect(result.passed).toBe(false);
  expect(result.failures).toEqual([
    {
      code: 'STEP_FAILED',
      cause: 'FD_MISMATCH',
      peer: 'server',
      step: { name: 'recvFds', index: 2 },
      message: typeof detail === 'string' ? `step 3 (recvFds) failed: recvFds: received descriptor #1 ${detail}` : expect.stringMatching(detail),
    },
  ]);
  // the server failed at that step (exit 1); the client did its part
  expect(result.peers.map((p) => [p.id, p.exitCode, p.signal])).toEqual([
    ['server', 1, null],
    ['client', 0, null],
  ]);
}

describe('recvFds checks that fail in a real run', () => {
  it('control: the same exchange passes when every check matches (file, 0640, the very file `log`)', async () => {
    const result = await passLog('log as declared', [{ type: 'file', mode: '0640', sameFileAs: 'log', content: 'line one\n' }]);
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it('a declared file where a pipe is expected: FD_MISMATCH naming both types', async () => {
    expectRecvFdsFailure(await passLog('file is not a pipe', [{ type: 'pipe' }]), 'is a file, expected a pipe');
  });

  it('mode "0600" expected of a file declared with mode "0640": FD_MISMATCH naming both modes', async () => {
    expectRecvFdsFailure(await passLog('0640 is not 0600', [{ mode: '0600' }]), 'has mode 0640, expected 0600');
  });

  it('sameFileAs a different declared file: FD_MISMATCH naming that file, its path and both inodes', async () => {
    const result = await passLog('log is not other', [{ sameFileAs: 'other' }]);
    const other = path.join(result.dir!, 'other');
    const escaped = other.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expectRecvFdsFailure(
      result,
      new RegExp(
        `^step 3 \\(recvFds\\) failed: recvFds: received descriptor #1 is not the file "other" \\(${escaped}\\): ` +
          `expected dev (\\d+) inode (\\d+), got dev \\1 inode (?!\\2\\b)(\\d+)$`,
      ),
    );
  });
});

describe('a module peer that leaks a descriptor', () => {
  const leaky = (name: string, env: Record<string, string> = {}, fdLeaks?: 'ignore' | 'warn') =>
    runScenario(
      defineScenario({
        name,
        socket: 'stream',
        files: { held: { content: 'held open\n' } },
        server: { module: './modules/leaky-server.ts', env },
        client: { steps: ['connect', 'close'] },
        ...(fdLeaks ? { expect: { fdLeaks } } : {}),
      }),
      { baseDir: __dirname },
    );

  /** what the module wrote when it opened the file */
  function opened(result: ScenarioResult): { path: string; fd: number } {
    const events = result.timeline.filter((e) => e.peer === 'server' && e.ev === 'opened');
    expect(events).toHaveLength(1);
    return events[0] as unknown as { path: string; fd: number };
  }

  it(`fails FD_LEAK naming the descriptor${process.platform === 'linux' ? ' and the file it refers to' : ' (macOS cannot name its file)'}`, async () => {
    const result = await leaky('opens and never closes');
    const { path: file, fd } = opened(result);
    expect(file).toBe(path.join(result.dir!, 'held'));
    // Linux names each leaked descriptor's target (/proc/self/fd); macOS only its number.
    const named = process.platform === 'linux' ? `fd ${fd} → ${file}` : `fd ${fd}`;
    expect(result.failures).toEqual([
      { code: 'FD_LEAK', peer: 'server', message: `server ended with 1 descriptor it did not have at start: ${named} (fdLeaks: fail); close every descriptor received or opened` },
    ]);
    expect(result.passed).toBe(false);
    // the module itself completed: the leak is the judge's finding, not a crash
    expect(result.peers.map((p) => [p.id, p.exitCode, p.signal])).toEqual([
      ['server', 0, null],
      ['client', 0, null],
    ]);
  });

  it('fdLeaks: ignore lets the same leak pass, with no failure and no warning', async () => {
    const result = await leaky('leaks, and the scenario allows it', {}, 'ignore');
    opened(result);
    expect(result.failures).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.passed).toBe(true);
  });

  it('control: the same module closing its file passes', async () => {
    const result = await leaky('opens and closes', { CLOSE_HELD: '1' });
    opened(result);
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(true);
  });
});
