// Socket buffer sizes (`sndbuf`, `rcvbuf`) and `waitFor` of a capture, end to end: scenario →
// real scripted peers on real sockets → the judge.
import type { ScenarioResult } from '../../src/judge/result';
import type { PeerEvent } from '../../src/protocol/events';
import { describeBuilt, expectPass, itLinux, useRunBase } from './scripted-runs';

const runs = useRunBase('bufwait', 20_000);
const eventsOf = (result: ScenarioResult, peer: string, ev: string): PeerEvent[] => result.timeline.filter((e) => e.peer === peer && e.ev === ev);
/** Linux doubles the size it is given (room for its bookkeeping); macOS keeps it. */
const kernelSize = (asked: number): number => (process.platform === 'linux' ? 2 * asked : asked);

describeBuilt('socket buffer sizes', () => {
  it('sets the scenario\'s sizes on every socket a peer makes or accepts, a step\'s on its own, and reports what the kernel set', async () => {
    const result = await runs.run({
      name: 'sized sockets',
      socket: { type: 'stream', sndbuf: 16384, rcvbuf: 20000 },
      server: { steps: ['listen', 'accept', { recv: { text: 'hi', rcvbuf: 32768 } }, 'close'] },
      client: { steps: [{ connect: { sndbuf: 24576 } }, { send: { text: 'hi' } }, 'close'] },
    });
    expectPass(result);
    expect(eventsOf(result, 'server', 'listen')[0]).toMatchObject({ sndbuf: { asked: 16384, set: kernelSize(16384) }, rcvbuf: { asked: 20000, set: kernelSize(20000) } });
    expect(eventsOf(result, 'server', 'accept')[0]).toMatchObject({ sndbuf: { asked: 16384, set: kernelSize(16384) }, rcvbuf: { asked: 20000, set: kernelSize(20000) } });
    expect(eventsOf(result, 'server', 'recv')[0]).toMatchObject({ rcvbuf: { asked: 32768, set: kernelSize(32768) } });
    expect(eventsOf(result, 'server', 'recv')[0]).not.toHaveProperty('sndbuf');
    expect(eventsOf(result, 'client', 'connect')[0]).toMatchObject({ sndbuf: { asked: 24576, set: kernelSize(24576) }, rcvbuf: { asked: 20000, set: kernelSize(20000) } });
    expect(eventsOf(result, 'client', 'send')[0]).not.toHaveProperty('sndbuf');
  });

  it('a datagram larger than the send buffer fails with EMSGSIZE, as declared; one that fits goes through', async () => {
    const result = await runs.run({
      name: 'too big',
      socket: 'dgram',
      server: { steps: ['listen', { recv: { text: 'fits' } }, 'close'] },
      client: {
        steps: [
          { send: { count: 1, size: 16000, to: 'server', sndbuf: 4096, expectError: 'EMSGSIZE' } },
          { send: { text: 'fits', to: 'server' } },
          'close',
        ],
      },
    });
    expectPass(result);
    expect(eventsOf(result, 'client', 'error')).toEqual([expect.objectContaining({ code: 'EMSGSIZE', step: 0 })]);
  });

  it('a datagram client that only sends gets the scenario\'s size on the socket its first send makes, and its send event says so', async () => {
    const result = await runs.run({
      name: 'sized sender',
      socket: { type: 'dgram', sndbuf: 4096 },
      server: { steps: ['listen', { recv: { text: 'fits' } }, 'close'] },
      client: { steps: [{ send: { text: 'fits', to: 'server' } }, { send: { count: 1, size: 16000, to: 'server', expectError: 'EMSGSIZE' } }, 'close'] },
    });
    expectPass(result);
    expect(eventsOf(result, 'client', 'send')[0]).toMatchObject({ sndbuf: { asked: 4096, set: kernelSize(4096) } });
  });

  it('the inherited socketpair end gets the scenario\'s sizes, reported in the start event', async () => {
    const result = await runs.run({
      name: 'sized pair',
      socket: { type: 'stream', address: 'pair', sndbuf: 12288 },
      server: { steps: [{ recv: { text: 'x' } }] },
      client: { steps: [{ send: { text: 'x' } }] },
    });
    expectPass(result);
    for (const peer of ['server', 'client']) expect(eventsOf(result, peer, 'start')[0]).toMatchObject({ sndbuf: { asked: 12288, set: kernelSize(12288) } });
  });

  // The physics behind it differ: Linux charges an unread datagram to its sender's SO_SNDBUF,
  // macOS to the receiver's buffer (README: platform differences).
  itLinux('a small send buffer holds a datagram sender back until its reader goes: the waiting send fails ECONNREFUSED', async () => {
    const scenario = (sndbuf: number | undefined) => ({
      name: 'held back',
      socket: 'dgram' as const,
      server: { steps: ['listen', { waitFor: { peer: 'client', event: 'send' } }, 'close'] },
      client: {
        steps: [
          { connect: sndbuf === undefined ? null : { sndbuf } },
          { send: { count: 1, size: 3000 } },
          { send: { count: 1, size: 3000, expectError: 'ECONNREFUSED' } },
          'close',
        ],
      },
    });
    expectPass(await runs.run(scenario(4096)));
  });
});

describeBuilt('waitFor a capture', () => {
  const chat = (client: unknown[]) => ({
    name: 'waitFor a capture',
    socket: 'stream' as const,
    server: {
      steps: [
        'listen',
        'accept',
        { recv: { until: '\n', match: '^HELLO (?<user>\\w+)\\n$' } },
        { recv: { until: '\n', match: '^STATE (?<state>\\w+)\\n$' } },
        { recv: { until: '\n', match: '^STATE (?<state>\\w+)\\n$' } },
        { send: { text: 'ok\n' } },
        { recv: { eof: true } },
        'close',
      ],
    },
    client: { steps: ['connect', { send: { text: 'HELLO ann\nSTATE busy\nSTATE idle\n' } }, ...client, { recv: { until: '\n', text: 'ok\n' } }, 'close'] },
  });

  it('waits until another peer\'s capture is set, or has a value; a value it had counts even after it changed', async () => {
    const result = await runs.run(chat([{ waitFor: { capture: 'state', value: 'busy' } }, { waitFor: { capture: 'state', value: 'idle' } }, { waitFor: { capture: 'user' } }]) as never);
    expectPass(result);
    expect(eventsOf(result, 'client', 'waitFor').map((e) => [e.capture, e.value, e.setBy])).toEqual([
      ['state', 'busy', 'server'],
      ['state', 'idle', 'server'],
      ['user', 'ann', 'server'],
    ]);
  });

  it('waitFor an event `where` its details hold values: only such events count', async () => {
    const result = await runs.run(
      chat([
        { waitFor: { peer: 'server', event: 'recv', where: { captures: { state: 'idle' } } } },
        { waitFor: { peer: 'server', event: 'recv', where: { bytes: 11 }, count: 2 } },
      ]) as never,
    );
    expectPass(result);
    expect(eventsOf(result, 'client', 'waitFor').map((e) => e.where)).toEqual([{ captures: { state: 'idle' } }, { bytes: 11 }]);
  });

  it('an event that never holds the values does not count: the wait fails saying how the last one differed', async () => {
    const result = await runs.run({
      name: 'never 12 bytes',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { recv: { until: '\n' } }, 'close'] },
      client: { steps: ['connect', { send: { text: 'STATE busy\n' } }, { waitFor: { peer: 'server', event: 'recv', where: { bytes: 12 }, timeout: '500ms' } }, 'close'] },
    });
    expect(result.failures).toEqual([
      expect.objectContaining({
        peer: 'client',
        cause: 'STEP_TIMEOUT',
        message: expect.stringContaining('for 1 "recv" event from server holding {"bytes":12}; saw 0 of 1 (the last: $.bytes is 11, not 12)'),
      }),
    ]);
  });

  it('fails CAPTURE_MISMATCH when the setter ends and the capture never had the value, saying what it is', async () => {
    const result = await runs.run({
      name: 'never asleep',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { recv: { until: '\n', match: '^STATE (?<state>\\w+)\\n$' } }, { recv: { until: '\n', match: '^STATE (?<state>\\w+)\\n$' } }, 'close'] },
      client: { steps: ['connect', { send: { text: 'STATE busy\nSTATE idle\n' } }, { waitFor: { capture: 'state', value: 'asleep' } }, 'close'] },
    });
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      expect.objectContaining({
        code: 'STEP_FAILED',
        peer: 'client',
        cause: 'CAPTURE_MISMATCH',
        message: expect.stringContaining('step 3 (waitFor) failed: ${capture.state} never became "asleep": it is "idle" and server ended'),
      }),
    ]);
  });

  it('fails CAPTURE_UNSET naming the step that should have set it when the setter ended without it', async () => {
    const result = await runs.run({
      name: 'never set',
      socket: 'stream',
      server: { steps: ['listen', 'accept', { recv: { until: '\n', match: '^HELLO(?: (?<user>\\w+))?\\n$' } }, 'close'] },
      client: { steps: ['connect', { send: { text: 'HELLO\n' } }, { waitFor: { capture: 'user' } }, 'close'] },
    });
    expect(result.failures).toEqual([
      expect.objectContaining({ peer: 'client', cause: 'CAPTURE_UNSET', message: expect.stringContaining("${capture.user} was never set: server's step 3 (recv) should have set it, but server ended without setting it") }),
    ]);
  });
});

describeBuilt('waitFor a program\'s end', () => {
  // A python3 client sends one datagram and exits 3; the server reads only once it has ended, so the
  // datagram waited in its queue however slowly the client started.
  const sendAndExit = (code: number) => ({
    run: ['python3', '-c', `import os, socket, sys\ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\ns.sendto(b"hi", os.environ["UDS_FIXTURE_SOCKET"])\nsys.exit(${code})`],
  });

  it('the harness\'s `exit` about a run: program stands in for an event of its own, with its details', async () => {
    const result = await runs.run({
      name: 'wait for the client to end',
      socket: 'dgram',
      server: { steps: ['listen', { waitFor: { peer: 'client', event: 'exit', where: { code: 3 } } }, { recv: { text: 'hi' } }, 'close'] },
      client: sendAndExit(3),
      expect: { exit: { client: 3 } },
    } as never);
    expectPass(result);
    const [wait] = eventsOf(result, 'server', 'waitFor');
    const [exit] = result.timeline.filter((e) => e.peer === 'harness' && e.ev === 'exit' && e.target === 'client');
    expect(wait!.t).toBeGreaterThan(exit!.t);
  });

  it('an exit that does not hold the values fails the wait as soon as the program has ended, saying how it differed', async () => {
    const result = await runs.run({
      name: 'wait for an exit that differs',
      socket: 'dgram',
      timeout: '60s',
      // the step's own timeout is long: the verdict comes from the exit, not from the clock
      server: { steps: ['listen', { waitFor: { peer: 'client', event: 'exit', where: { code: 0 }, timeout: '50s' } }, 'close'] },
      client: sendAndExit(3),
      expect: { exit: { client: 3 } },
    } as never);
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      expect.objectContaining({ code: 'STEP_FAILED', cause: 'EVENT_MISMATCH', peer: 'server', message: expect.stringContaining('client has ended, and its exit does not hold {"code":0}: $.code is 3, not 0') }),
    ]);
  });
});

describeBuilt('a recv that waits for a delimiter that never comes', () => {
  it('says what it got so far, and that a backslash and a letter are two characters', async () => {
    const result = await runs.run({
      name: 'literal backslash-n delimiter',
      socket: 'stream',
      // the client's bytes are in the socket before the recv begins: what it got does not depend on load
      server: { steps: ['listen', 'accept', { waitFor: { peer: 'client', event: 'send' } }, { recv: { until: '\\n', timeout: '300ms' } }, 'close'] },
      client: { steps: ['connect', { send: { text: 'HELLO\n' } }, { recv: { eof: true } }, 'close'] },
    });
    expect(result.passed).toBe(false);
    const failure = result.failures.find((f) => f.peer === 'server');
    expect(failure?.message).toContain('for bytes up to "\\\\n" (`until` is a backslash and `n`, two characters; for a control character write it in double quotes: "\\n") from the client; got 6: "HELLO\\n"');
  });
});
