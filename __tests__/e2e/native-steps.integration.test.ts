// Runs of literal `send` / `recv` steps on a stream connection run in native code
// (src/peer/exchange.ts). Nothing a scenario can observe may change: every case runs twice, with
// native runs on and off (UDS_FIXTURE_NATIVE_STEPS=0), and must give the same events and the same
// verdicts; the `done` event's `nativeSteps` shows which run used native code.
import { execFileSync } from 'node:child_process';
import type { ScenarioResult } from '../../src/judge/result';
import { runScenario } from '../../src/pipeline/run-scenario';
import type { ScenarioInput } from '../../src/scenario/types';
import { describeBuilt, explain, expectPass, useRunBase } from './scripted-runs';

const runs = useRunBase('native', 20_000);

type Mode = 'native' | 'javascript';
const run = (input: ScenarioInput, mode: Mode, timeout = 20_000): Promise<ScenarioResult> =>
  runScenario(input, { tmpBase: runs.base, timeout, env: mode === 'native' ? {} : { UDS_FIXTURE_NATIVE_STEPS: '0' } });

/** Both ways, one after the other. */
async function both(input: ScenarioInput, timeout?: number): Promise<Record<Mode, ScenarioResult>> {
  return { native: await run(input, 'native', timeout), javascript: await run(input, 'javascript', timeout) };
}

/**
 * The step events of one peer as a scenario sees them, without what differs from run to run: times,
 * and how the other end is named (by its id once its start was relayed, else by its pid, which the
 * timeline resolves: a step in JavaScript may run before that, native steps write their events after).
 */
function stepEvents(result: ScenarioResult, peer: string): object[] {
  return result.timeline
    .filter((e) => e.peer === peer && (e.ev === 'send' || e.ev === 'recv' || e.ev === 'fail'))
    .sort((a, b) => (a.step as number) - (b.step as number))
    .map(({ t: _t, fromPid: _f, toPid: _p, fromPeer: _fp, toPeer: _tp, nativeSteps: _n, ...rest }) => rest);
}
const failed = (peer: string, index: number, cause: string, message: string): object =>
  expect.objectContaining({ code: 'STEP_FAILED', cause, peer, step: expect.objectContaining({ index }), message: expect.stringContaining(message) });

/** How many of the peer's steps ran in native code, as its last event (`done`, `fail` or `stopped`) says. */
const nativeStepsOf = (result: ScenarioResult, peer: string): unknown =>
  result.timeline.find((e) => e.peer === peer && (e.ev === 'done' || e.ev === 'fail' || e.ev === 'stopped'))?.nativeSteps;
/** Failures without what differs from run to run. */
const failuresOf = (result: ScenarioResult): object[] => result.failures.map((f) => JSON.parse(JSON.stringify(f).replace(/\d+(\.\d+)? ?ms\b/g, 'N ms').replace(/"forMs":\d+/g, '"forMs":N')) as object);

const rounds = (n: number, first: 'send' | 'recv', word: (i: number) => string): object[] =>
  Array.from({ length: n }, (_, i) => (first === 'send' ? [{ send: { text: word(i) } }, { recv: { text: `re: ${word(i)}` } }] : [{ recv: { text: word(i) } }, { send: { text: `re: ${word(i)}` } }])).flat();
const afterListen = [{ waitFor: { peer: 'server', event: 'listen' } }, 'connect'];

describeBuilt('literal send/recv steps in native code', () => {
  it('a request/response exchange gives the same events either way', async () => {
    const input: ScenarioInput = {
      name: 'ping-pong',
      socket: 'stream',
      server: { steps: ['listen', 'accept', ...rounds(50, 'recv', (i) => `ping ${i}`), 'close'] },
      client: { steps: [...afterListen, ...rounds(50, 'send', (i) => `ping ${i}`), 'close'] },
    } as ScenarioInput;
    const { native, javascript } = await both(input);
    expectPass(native);
    expectPass(javascript);
    expect(nativeStepsOf(native, 'server')).toBe(100);
    expect(nativeStepsOf(native, 'client')).toBe(100);
    expect(nativeStepsOf(javascript, 'server')).toBeUndefined();
    expect(stepEvents(native, 'server')).toEqual(stepEvents(javascript, 'server'));
    expect(stepEvents(native, 'client')).toEqual(stepEvents(javascript, 'client'));
    expect(stepEvents(native, 'server')[0]).toMatchObject({ ev: 'recv', step: 2, bytes: 6, data: '"ping 0"' });
    const first = native.timeline.find((e) => e.peer === 'server' && e.ev === 'recv')!;
    expect(first.fromPeer ?? first.fromPid).toBeDefined();
    // dated at the system calls: each answer is received after it was sent, never before
    const t = (peer: string, ev: string, step: number): number => native.timeline.find((e) => e.peer === peer && e.ev === ev && e.step === step)!.t;
    for (let i = 0; i < 50; i++) {
      expect(t('server', 'recv', 2 + 2 * i)).toBeGreaterThanOrEqual(t('client', 'send', 2 + 2 * i));
      expect(t('client', 'recv', 3 + 2 * i)).toBeGreaterThanOrEqual(t('server', 'send', 3 + 2 * i));
    }
  });

  it('against a python3 echo server, the scripted client runs natively and passes', async () => {
    const echo = [
      'import socket, sys, os',
      's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)',
      's.bind(sys.argv[1]); s.listen(1)',
      'c, _ = s.accept()',
      'while True:',
      '    b = c.recv(4096)',
      '    if not b: break',
      '    c.sendall(b)',
      'c.close(); s.close(); os.unlink(sys.argv[1])',
    ].join('\n');
    const input = {
      name: 'python echo',
      socket: 'stream',
      server: { run: ['python3', '-c', echo, '${socket}'] },
      client: { steps: ['connect', ...Array.from({ length: 40 }, (_, i) => [{ send: { text: `line ${i}\n` } }, { recv: { text: `line ${i}\n` } }]).flat(), 'close'] },
    } as ScenarioInput;
    const native = await run(input, 'native');
    expectPass(native);
    expect(nativeStepsOf(native, 'client')).toBe(80);
  });

  it('a reply that differs fails that step as it would in JavaScript', async () => {
    const input = {
      name: 'wrong reply',
      socket: 'stream',
      server: { steps: ['listen', 'accept', ...rounds(3, 'recv', (i) => `ping ${i}`), 'close'] },
      client: { steps: [...afterListen, { send: { text: 'ping 0' } }, { recv: { text: 're: ping 0' } }, { send: { text: 'ping 1' } }, { recv: { text: 're: pong 1' } }, 'close'] },
    } as ScenarioInput;
    const { native, javascript } = await both(input);
    expect(native.passed).toBe(false);
    expect(failuresOf(native)).toEqual(failuresOf(javascript));
    expect(stepEvents(native, 'client')).toEqual(stepEvents(javascript, 'client'));
    expect(native.failures).toEqual(expect.arrayContaining([failed('client', 5, 'RECV_MISMATCH', 'expected "re: pong 1", got "re: ping 1"')]));
    expect(nativeStepsOf(native, 'client')).toBe(3);
  });

  it('a stream that ends in the middle fails the step that waited, the same way', async () => {
    const input = {
      name: 'early end',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { recv: { text: 'a' } }, { send: { text: 'b' } }, { recv: { text: 'cdef' } }, { send: { text: 'g' } }, 'close'] },
      client: { steps: [...afterListen, { send: { text: 'a' } }, { recv: { text: 'b' } }, { send: { text: 'cd' } }, 'close'] },
      expect: { exit: { server: 1, client: 0 } },
    } as ScenarioInput;
    const { native, javascript } = await both(input);
    expect(explain(native)).toContain('ended the stream after 2');
    expect(nativeStepsOf(native, 'server')).toBe(2);
    expect(failuresOf(native)).toEqual(failuresOf(javascript));
    expect(stepEvents(native, 'server')).toEqual(stepEvents(javascript, 'server'));
  });

  it("a step's timeout in the middle of a run names the step and what it got", async () => {
    const input = {
      name: 'stalled sender',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { recv: { text: 'a' } }, { send: { text: 'b' } }, { recv: { text: 'abcdef', timeout: '300ms' } }, { send: { text: 'g' } }, 'close'] },
      client: { steps: [...afterListen, { send: { text: 'a' } }, { recv: { text: 'b' } }, { send: { text: 'abc' } }, { waitFor: { peer: 'server', event: 'fail' } }, 'close'] },
      expect: { exit: { server: 1, client: 0 } },
    } as ScenarioInput;
    const { native, javascript } = await both(input);
    expect(native.failures).toEqual([failed('server', 4, 'STEP_TIMEOUT', 'recv waited 300 ms for 6 bytes from the client; got 3')]);
    expect(nativeStepsOf(native, 'server')).toBe(2);
    expect(failuresOf(native)).toEqual(failuresOf(javascript));
  });

  it('a failed system call is reported with its errno, the same way', async () => {
    // The client shuts its reading side before it sends `c`: once the server has `c`, its send
    // meets a peer that reads no more (EPIPE).
    const input = {
      name: 'broken pipe',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { recv: { text: 'a' } }, { recv: { text: 'c' } }, { send: { text: 'd' } }, 'close'] },
      client: { steps: [...afterListen, { send: { text: 'a' } }, { shutdown: 'read' }, { send: { text: 'c' } }, { recv: { eof: true } }, 'close'] },
      expect: { exit: { server: 1, client: 0 } },
    } as ScenarioInput;
    const { native, javascript } = await both(input);
    expect(native.failures).toEqual([failed('server', 4, 'UNEXPECTED_ERROR', 'EPIPE')]);
    expect(nativeStepsOf(native, 'server')).toBe(2);
    expect(nativeStepsOf(javascript, 'server')).toBeUndefined();
    expect(failuresOf(native)).toEqual(failuresOf(javascript));
    expect(stepEvents(native, 'server')).toEqual(stepEvents(javascript, 'server'));
  });

  it('a send that meets a full buffer fails on its timeout, naming what it waited for, the same way', async () => {
    // The server never reads: the client's 1 MiB send fills the connection's (small) buffers and waits.
    const big = 'x'.repeat(1024 * 1024);
    const input = {
      name: 'full buffer',
      socket: { type: 'stream', sndbuf: 16384, rcvbuf: 16384 },
      server: { steps: ['listen', 'accept', { waitFor: { peer: 'client', event: 'fail' } }, 'close'] },
      client: { steps: [...afterListen, { send: { text: 'a' } }, { send: { text: big, timeout: '300ms' } }, 'close'] },
      expect: { exit: { server: 0, client: 1 }, unreadData: 'ignore' },
    } as ScenarioInput;
    const { native, javascript } = await both(input);
    expect(native.failures).toEqual([failed('client', 3, 'STEP_TIMEOUT', 'send waited 300 ms for server to take 1048576 bytes')]);
    expect(nativeStepsOf(native, 'client')).toBe(1);
    expect(failuresOf(native)).toEqual(failuresOf(javascript));
  });

  it('a run that times out stops the native steps and says where the peer was', async () => {
    const input = {
      name: 'run timeout',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { recv: { text: 'a' } }, { send: { text: 'b' } }, { recv: { text: 'never' } }, { send: { text: 'x' } }, 'close'] },
      client: { steps: [...afterListen, { send: { text: 'a' } }, { recv: { text: 'b' } }, { recv: { text: 'never either', timeout: '60s' } }] },
    } as ScenarioInput;
    const { native, javascript } = await both(input, 1_500);
    expect(native.passed).toBe(false);
    const stopped = (r: ScenarioResult) =>
      r.timeline
        .filter((e) => e.ev === 'stopped')
        .map(({ t: _t, forMs: _f, nativeSteps: _n, ...rest }) => rest)
        .sort((a, b) => String(a.peer).localeCompare(String(b.peer)));
    expect(stopped(native)).toEqual(expect.arrayContaining([expect.objectContaining({ peer: 'server', step: 4, waitingFor: '5 bytes from the client; got 0' })]));
    expect(stopped(native)).toEqual(stopped(javascript));
    expect(nativeStepsOf(native, 'server')).toBe(2);
    expect(nativeStepsOf(javascript, 'server')).toBeUndefined();
    expect(stepEvents(native, 'server')).toEqual(stepEvents(javascript, 'server'));
    expect(failuresOf(native)).toEqual(failuresOf(javascript));
  });

  it('a run stopped while a native step waits on a silent program says how long the step waited', async () => {
    // The harness stops the python3 server first: its end may reach the client's native recv
    // (end-of-file) before the client's own SIGTERM. Either way the client's `stopped` must name
    // the recv, counted from when it began, not from when it was judged again.
    const silent = ['import socket, sys', 's = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)', 's.bind(sys.argv[1]); s.listen(1)', 'held = []', 'while True:', '    held.append(s.accept()[0])'].join('\n');
    const input = {
      name: 'silent program',
      socket: 'stream',
      server: { run: ['python3', '-c', silent, '${socket}'] },
      client: { steps: ['connect', { send: { text: 'REQ 1\n' } }, { recv: { text: 'RESP 1\n' } }, 'close'] },
    } as ScenarioInput;
    const result = await run(input, 'native', 6_000);
    expect(result.passed).toBe(false);
    const sent = result.timeline.find((e) => e.peer === 'client' && e.ev === 'send')!;
    const stopped = result.timeline.find((e) => e.peer === 'client' && e.ev === 'stopped')!;
    expect(stopped).toMatchObject({ step: 2, waitingFor: '7 bytes from the server; got 0' });
    // waited since just after its send: most of the time between that send and the stop
    const sinceSendMs = (stopped.t - sent.t) / 1e6;
    expect(stopped.forMs).toBeGreaterThan(sinceSendMs / 2);
    expect(Number.isInteger(stopped.forMs)).toBe(true);
    expect(nativeStepsOf(result, 'client')).toBe(1);
  });

  it('descriptors that come with the bytes of a plain recv are closed, not leaked', async () => {
    const input = {
      name: 'stray descriptor',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { recv: { text: 'a' } }, { recv: { text: 'F' } }, { recv: { text: 'b' } }, { send: { text: 'ok' } }, 'close'] },
      client: { steps: [...afterListen, { send: { text: 'a' } }, { sendFds: { pipe: { content: 'x' } } }, { send: { text: 'b' } }, { recv: { text: 'ok' } }, 'close'] },
      expect: { fdLeaks: 'fail' },
    } as ScenarioInput;
    const { native, javascript } = await both(input);
    expectPass(native);
    expectPass(javascript);
    expect(nativeStepsOf(native, 'server')).toBe(4);
  });

  it('steps whose events another peer waits for run as before, so the wait ends', async () => {
    const input = {
      name: 'awaited recv',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { recv: { text: 'a' } }, { recv: { text: 'b' } }, { send: { text: 'c' } }, { send: { text: 'd' } }, 'close'] },
      client: { steps: [...afterListen, { send: { text: 'a' } }, { waitFor: { peer: 'server', event: 'recv' } }, { send: { text: 'b' } }, { recv: { text: 'cd' } }, 'close'] },
    } as ScenarioInput;
    const native = await run(input, 'native');
    expectPass(native);
    // the server's recv events are awaited: only its two sends ran in native code
    expect(nativeStepsOf(native, 'server')).toBe(2);
  });
});

// The step helpers under the native path use python3 (every CI machine has it); say so if not.
try {
  execFileSync('python3', ['-c', 'pass']);
} catch {
  throw new Error('python3 is needed by the native-steps tests (a foreign echo server)');
}
