// How a scripted peer fails, declares failures, times out and ends: every case a real process.
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { inWorld, SUCCEEDED, text } from './helpers';

describe('scripted peer failures and endings', () => {
  it('fails with RECV_MISMATCH showing both payloads, exits 1 and unlinks what it bound', async () => {
    await inWorld(async (world) => {
      const [server, client] = world.startRelayed([
        {
          id: 'server',
          steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, { step: 'recv', payload: text('hello') }, { step: 'close', unlink: true }],
        },
        {
          id: 'client',
          steps: [
            { step: 'waitFor', peer: 'server', event: 'listen', count: 1 },
            { step: 'connect' },
            { step: 'send', payload: text('help!') },
            { step: 'waitFor', peer: 'server', event: 'fail', count: 1 },
          ],
        },
      ]);
      const outcome = await server!.outcome();
      expect(outcome.code).toBe(1);
      expect(outcome.fails).toEqual([
        expect.objectContaining({ code: 'RECV_MISMATCH', step: 2, expected: '"hello"', got: '"help!"', message: expect.stringContaining('differ at byte 3') }),
      ]);
      expect(await client!.outcome()).toEqual(SUCCEEDED);
      expect(fs.existsSync(world.socketPath)).toBe(false);
    });
  });

  it('a mismatch past the preview also shows the bytes around where they differ', async () => {
    await inWorld(async (world) => {
      const [server, client] = world.startRelayed([
        {
          id: 'server',
          steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, { step: 'recv', payload: text('STATUS service=payments region=eu-west-1 replicas=3 healthy=3 version=1.4.2 ok\n') }, { step: 'close', unlink: true }],
        },
        {
          id: 'client',
          steps: [
            { step: 'waitFor', peer: 'server', event: 'listen', count: 1 },
            { step: 'connect' },
            { step: 'send', payload: text('STATUS service=payments region=eu-west-1 replicas=3 healthy=3 version=1.4.3 ok\n') },
            { step: 'waitFor', peer: 'server', event: 'fail', count: 1 },
          ],
        },
      ]);
      const outcome = await server!.outcome();
      const message = String(outcome.fails[0]?.message);
      expect(message).toContain('differ at byte 74');
      expect(message).toContain('from byte 58: expected …"y=3 version=1.4.2 ok\\n", got …"y=3 version=1.4.3 ok\\n"');
      await client!.outcome();
    });
  });

  it('shows binary payloads as hex in a mismatch', async () => {
    await inWorld(async (world) => {
      const bytes = (hex: string) => ({ kind: 'bytes' as const, base64: Buffer.from(hex, 'hex').toString('base64'), source: 'hex' as const });
      const [server] = world.startRelayed(
        [
          { id: 'server', steps: [{ step: 'listen', backlog: 0 }, { step: 'recv', payload: bytes('00ff01') }] },
          { id: 'client', steps: [{ step: 'waitFor', peer: 'server', event: 'listen', count: 1 }, { step: 'send', payload: bytes('00ff0203') }] },
        ],
        'dgram',
      );
      const outcome = await server!.outcome();
      expect(outcome.fails[0]).toMatchObject({ code: 'RECV_MISMATCH', expected: 'hex 00ff01', got: 'hex 00ff0203' });
    });
  });

  it('meets declared errors (ECONNREFUSED on a stale socket file, ENOENT) and goes on', async () => {
    await inWorld(async (world) => {
      const peer = world.start({
        id: 'client',
        steps: [
          { step: 'listen', backlog: 8 },
          { step: 'close', unlink: false },
          { step: 'connect', expectError: 'ECONNREFUSED' },
          { step: 'connect', to: path.join(world.dir, 'missing.sock'), expectError: 'ENOENT' },
          { step: 'ready' },
        ],
      });
      expect(await peer.outcome()).toEqual(SUCCEEDED);
      expect(peer.named('error')).toEqual([
        expect.objectContaining({ code: 'ECONNREFUSED', syscall: 'connect', step: 2 }),
        expect.objectContaining({ code: 'ENOENT', syscall: 'connect', step: 3 }),
      ]);
      expect(peer.named('close')[0]).toMatchObject({ unlinked: [], kept: [world.socketPath] });
      expect(peer.events.map((e) => e.ev)).toEqual(['start', 'listen', 'close', 'error', 'error', 'ready', 'done']);
      expect(world.leftovers()).toEqual(['s.sock']);
    });
  });

  it.each([
    ['WRONG_ERROR', { step: 'connect' as const, to: '/nonexistent/x.sock', expectError: 'ECONNREFUSED' }, { expected: 'ECONNREFUSED', got: 'ENOENT' }],
    ['UNEXPECTED_ERROR', { step: 'connect' as const, to: '/nonexistent/x.sock' }, { errno: 'ENOENT', syscall: 'connect' }],
    ['EXPECTED_ERROR_MISSING', { step: 'bind' as const, expectError: 'EADDRINUSE' }, { expected: 'EADDRINUSE' }],
  ])('fails with %s', async (code, step, details) => {
    await inWorld(async (world) => {
      const peer = world.start({ id: 'client', steps: [step, { step: 'ready' }] });
      const outcome = await peer.outcome();
      expect(outcome.code).toBe(1);
      expect(outcome.fails).toEqual([expect.objectContaining({ code, step: 0, ...details })]);
      expect(peer.named('ready')).toEqual([]);
      expect(world.leftovers()).toEqual([]);
    });
  });

  it('a bind into a directory that does not exist says so first, naming the first missing directory, and keeps ENOENT', async () => {
    await inWorld(async (world) => {
      const missing = path.join(world.dir, 'no-such');
      const target = path.join(missing, 'deeper', 'c.sock');
      const peer = world.start({ id: 'client', steps: [{ step: 'bind', path: target }, { step: 'ready' }] });
      const outcome = await peer.outcome();
      expect(outcome.code).toBe(1);
      expect(outcome.fails).toEqual([expect.objectContaining({ code: 'UNEXPECTED_ERROR', step: 0, errno: 'ENOENT', syscall: 'bind' })]);
      expect(outcome.fails[0]!.message).toBe(
        `bind failed: the directory ${missing} does not exist, so \`bind\` cannot make ${target} (ENOENT from bind); ` +
          "create the directory first, or bind a relative name, which goes in the run's temp directory; if this failure is the point of the test, declare it: `expectError: ENOENT`",
      );
      expect(world.leftovers()).toEqual([]);
    });
  });

  it('times out a step, naming what it waited for', async () => {
    await inWorld(async (world) => {
      const [server] = world.startRelayed([
        {
          id: 'server',
          steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, { step: 'recv', payload: text('hello'), timeoutMs: 300 }],
        },
        {
          id: 'client',
          steps: [
            { step: 'waitFor', peer: 'server', event: 'listen', count: 1 },
            { step: 'connect' },
            { step: 'send', payload: text('hel') },
            { step: 'waitFor', peer: 'server', event: 'fail', count: 1 },
          ],
        },
      ]);
      const outcome = await server!.outcome();
      expect(outcome.fails).toEqual([
        expect.objectContaining({ code: 'STEP_TIMEOUT', step: 2, message: 'recv waited 300 ms for 5 bytes from the client; got 3' }),
      ]);
      expect(fs.existsSync(world.socketPath)).toBe(false);
    });
  });

  it('times out a waitFor, saying how many events it saw', async () => {
    await inWorld(async (world) => {
      const peer = world.start({ id: 'client', steps: [{ step: 'waitFor', peer: 'server', event: 'listen', count: 2, timeoutMs: 200 }] });
      const outcome = await peer.outcome();
      expect(outcome.fails[0]).toMatchObject({ code: 'STEP_TIMEOUT', message: 'waitFor waited 200 ms for 2 "listen" events from server; saw 0' });
    });
  });

  it('exits with the declared code after writing its events', async () => {
    await inWorld(async (world) => {
      const peer = world.start({ id: 'server', steps: [{ step: 'listen', backlog: 8 }, { step: 'exit', code: 7 }] });
      expect(await peer.waitForExit()).toEqual({ code: 7, signal: null });
      expect(peer.events.map((e) => e.ev)).toEqual(['start', 'listen', 'exit']);
      // exit is abrupt: like a program that dies, it leaves its socket file behind.
      expect(world.leftovers()).toEqual(['s.sock']);
    });
  });

  it('crashes with the declared signal', async () => {
    await inWorld(async (world) => {
      const peer = world.start({ id: 'client', steps: [{ step: 'crash', signal: 'SIGABRT' }] });
      expect(await peer.waitForExit()).toEqual({ code: null, signal: 'SIGABRT' });
      expect(peer.named('crash')).toEqual([expect.objectContaining({ signal: 'SIGABRT', step: 0 })]);
    });
  });

  it('exits with code 2, removing its socket file, when the harness closes the event channel', async () => {
    await inWorld(async (world) => {
      const peer = world.start({ id: 'server', steps: [{ step: 'listen', backlog: 8 }, { step: 'waitFor', peer: 'nobody', event: 'never', count: 1, timeoutMs: 60_000 }] });
      await peer.waitForEvent('listen');
      expect(fs.existsSync(world.socketPath)).toBe(true);
      peer.relayChannel?.end();
      expect(await peer.waitForExit()).toEqual({ code: 2, signal: null });
      expect(world.leftovers()).toEqual([]);
    });
  });

  it('exits with code 2 when the harness ends fd 3, also while no step waits for a relayed event', async () => {
    // accept waits on the socket only, so the peer is not reading its relay: the end of fd 3 (the
    // harness never writes there) is what says the harness is gone.
    await inWorld(async (world) => {
      const peer = world.start({ id: 'server', steps: [{ step: 'listen', backlog: 8 }, { step: 'accept', timeoutMs: 60_000 }] });
      await peer.waitForEvent('listen');
      (peer.child.stdio[3] as unknown as Writable).end();
      expect(await peer.waitForExit()).toEqual({ code: 2, signal: null });
      expect(world.leftovers()).toEqual([]);
    });
  });

  it('refuses to run without an event channel on fd 3', async () => {
    await inWorld(async (world) => {
      const peer = world.start({ id: 'server', steps: [{ step: 'listen', backlog: 8 }] }, 'stream', 'ignore');
      expect(await peer.waitForExit()).toEqual({ code: 2, signal: null });
      expect(peer.stderr).toContain('needs its event channel on fd 3 (UDS_FIXTURE_EVENTS_FD): a socket or pipe from the harness, but fd 3 is');
      expect(world.leftovers()).toEqual([]);
    });
  });
});
