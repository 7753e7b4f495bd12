// Scripted scenarios end to end: loader → plan → real peers (dist/peer.cjs over the native addon) → judge.
// Needs `node scripts/build.mjs` (dist/peer.cjs) and the addon (build/Release).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runScenario } from '../../src/pipeline/run-scenario';
import type { ScenarioInput } from '../../src/scenario/types';
import { describeBuilt, explain, itLinux, useRunBase } from './scripted-runs';

const runs = useRunBase('e2e', 15_000);
const run = runs.run;

describeBuilt('scripted scenarios (skipped unless built: node scripts/build.mjs and the addon)', () => {
  it('stream echo: the client sends, the server answers', async () => {
    const result = await run({
      name: 'stream echo',
      server: { steps: ['listen', 'accept', { recv: { text: 'ping' } }, { send: { text: 'pong' } }, 'close'] },
      client: { steps: ['connect', { send: { text: 'ping' } }, { recv: { text: 'pong' } }, 'close'] },
    });
    expect(explain(result)).toBe(explain({ ...result, failures: [] }));
    expect(result.passed).toBe(true);
    const evs = result.timeline.filter((e) => e.peer === 'server').map((e) => e.ev);
    expect(evs).toEqual(expect.arrayContaining(['listen', 'accept', 'recv', 'send', 'close']));
  });

  it('a mismatch is a STEP_FAILED at the step', async () => {
    const result = await run({
      name: 'wrong bytes',
      server: { steps: ['listen', 'accept', { recv: { text: 'expected' } }, 'close'] },
      client: { steps: ['connect', { send: { text: 'somethin' } }, 'close'] },
    });
    expect(result.passed).toBe(false);
    expect(result.failures[0]).toMatchObject({ code: 'STEP_FAILED', peer: 'server', step: { name: 'recv', index: 2 } });
  });

  it('a run that times out names the step each scripted peer was stuck in and what it waited for', async () => {
    const result = await runScenario(
      {
        name: 'stuck',
        server: { steps: ['listen', 'accept', { recv: { text: 'hello' } }, 'close'] },
        // The client sends only once the server has accepted, so by the time the client waits in
        // its last step the server is in its recv: where each peer is stuck does not depend on
        // how fast a busy machine ran them.
        client: {
          steps: [
            'connect',
            { waitFor: { peer: 'server', event: 'accept' } },
            { send: { text: 'hel' } },
            { waitFor: { peer: 'server', event: 'recv', timeout: '20s' } },
            'close',
          ],
        },
      },
      { tmpBase: runs.base, timeout: 4_000 },
    );
    const timeout = result.failures.find((f) => f.code === 'TIMEOUT');
    expect(timeout).toMatchObject({ peer: 'server', step: { name: 'recv', index: 2 } });
    // The harness tells every scripted peer of the stop before it signals any: a server that sees
    // the client's end before its own SIGTERM arrives waits for that signal instead of failing on
    // it, so the TIMEOUT names the step as it was when the run was stopped, in one form.
    expect(timeout!.message).toMatch(/still running and killed: server at step 3 \(recv\), waiting for \d+ ms for 5 bytes from the client; got 3; /);
    expect(timeout!.message).toMatch(/client at step 4 \(waitFor\), waiting for \d+ ms for 1 "recv" event from server; saw 0/);
    // Each peer died of the harness's signal, after saying where it was.
    expect(result.peers.map((p) => [p.id, p.killedByHarness, p.signal])).toEqual([
      ['server', true, 'SIGTERM'],
      ['client', true, 'SIGTERM'],
    ]);
  });

  it('dgram exchange with a bound client', async () => {
    const result = await run({
      name: 'dgram exchange',
      socket: 'dgram',
      server: { steps: ['bind', { recv: { text: 'hello' } }, { send: { text: 'back', to: 'client' } }, 'close'] },
      client: { steps: ['bind', { send: { text: 'hello', to: 'server' } }, { recv: { text: 'back' } }, 'close'] },
    });
    expect(explain(result)).toBe(explain({ ...result, failures: [] }));
  });

  it('socketpair: both ends inherited at fd 4', async () => {
    const result = await run({
      name: 'pair',
      socket: { type: 'stream', address: 'pair' },
      server: { steps: [{ send: { text: 'over the pair' } }, 'close'] },
      client: { steps: [{ recv: { text: 'over the pair' } }, 'close'] },
    });
    expect(explain(result)).toBe(explain({ ...result, failures: [] }));
  });

  it('fd passing: the server receives the declared file', async () => {
    const result = await run({
      name: 'fd passing',
      files: { log: { content: 'line one\n' } },
      server: { steps: ['listen', 'accept', { recvFds: { count: 1, expect: [{ sameFileAs: 'log', content: 'line one\n' }] } }, 'close'] },
      client: { steps: ['connect', { sendFds: { files: ['log'], data: 'F' } }, 'close'] },
    });
    expect(explain(result)).toBe(explain({ ...result, failures: [] }));
  });

  it('a refused connection declared with expectError passes', async () => {
    const result = await run({
      name: 'refused',
      client: { steps: [{ connect: { expectError: 'ENOENT' } }] },
    });
    expect(explain(result)).toBe(explain({ ...result, failures: [] }));
    expect(result.timeline.some((e) => e.peer === 'client' && e.ev === 'error' && e.code === 'ENOENT')).toBe(true);
  });

  it('a stale socket file (close unlink: false) is reported, then removed', async () => {
    const scenario: ScenarioInput = {
      name: 'stale socket',
      server: { steps: ['listen', 'accept', { recv: { text: 'x' } }, { close: { unlink: false } }] },
      client: { steps: ['connect', { send: { text: 'x' } }, 'close'] },
    };
    const failed = await run(scenario);
    expect(failed.failures.map((f) => [f.code, f.message])).toEqual([
      ['LEFTOVER_SOCKET', 'socket file s.sock was left in the run directory (expect: { leftoverSockets: fail }); a well-behaved server unlinks its socket on close'],
    ]);
    const warned = await run({ ...scenario, expect: { leftoverSockets: 'warn' } });
    expect(warned.passed).toBe(true);
    expect(warned.warnings.map((w) => w.code)).toContain('LEFTOVER_SOCKET');
  });

  itLinux('abstract address (Linux only: macOS has no abstract namespace)', async () => {
    const result = await run({
      name: 'abstract',
      socket: { type: 'seqpacket', address: 'abstract' },
      server: { steps: ['listen', 'accept', { recv: { text: 'a' } }, 'close'] },
      client: { steps: ['connect', { send: { text: 'a' } }, 'close'] },
    });
    expect(explain(result)).toBe(explain({ ...result, failures: [] }));
  });

  it('loads a scenario file given by path, relative paths against its directory', async () => {
    const dir = mkdtempSync('/tmp/udsf-file-');
    try {
      const file = path.join(dir, 'echo.scenario.yaml');
      writeFileSync(file, 'name: from a file\nfiles:\n  greeting: { from: greeting.txt }\nserver:\n  steps: [listen, accept, { recv: { file: greeting.txt } }, close]\nclient:\n  steps: [connect, { send: { text: "hi there" } }, close]\n');
      writeFileSync(path.join(dir, 'greeting.txt'), 'hi there');
      const result = await runScenario(file, { tmpBase: runs.base });
      expect(explain(result)).toBe(explain({ ...result, failures: [] }));
      expect(result).toMatchObject({ name: 'from a file', file });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips a scenario for another platform', async () => {
    const other = process.platform === 'linux' ? 'darwin' : 'linux';
    const result = await run({ name: 'elsewhere', platforms: [other], client: { steps: ['exit'] } });
    expect(result).toMatchObject({ passed: true, skipped: `platforms: [${other}] does not include ${process.platform}` });
  });
});
