// When a `run:` peer ends: its planned stop (`stop:`), through real Python servers. Each case runs once
// or twice in a row (the full fifty-in-a-row proof is `node scripts/soak.mjs --lifecycle`); no
// timing is asserted here, only who ended the peer and the verdict.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runScenario } from '../../src/pipeline/run-scenario';
import type { ScenarioResult } from '../../src/judge/result';
import type { PeerInput, ScenarioInput } from '../../src/scenario/types';
import { toPretty, palette } from '../../src/report';
import { repoRoot } from '../helpers/child-script';

const external = path.join(repoRoot, 'fixtures', 'external');
const server = path.join(repoRoot, 'fixtures', 'python', 'lifecycle_server.py');

let base: string;
beforeEach(() => {
  base = mkdtempSync('/tmp/udsf-life-');
});
afterEach(() => {
  const left = readdirSync(base);
  rmSync(base, { recursive: true, force: true });
  expect(left).toEqual([]);
});

const runFile = (name: string): Promise<ScenarioResult> => runScenario(path.join(external, `${name}.scenario.yaml`), { tmpBase: base });
const runInline = (input: ScenarioInput): Promise<ScenarioResult> => runScenario(input, { tmpBase: base, baseDir: repoRoot });

/** A scripted client that exchanges one message and closes. */
const echoClient: PeerInput = { steps: ['connect', { send: { text: 'x' } }, { recv: { text: 'x' } }, 'close'] };
const pythonServer = (mode: string, ...args: string[]): PeerInput => ({ run: ['python3', server, '${socket}', mode, ...args], ready: { stdout: 'listening' } });

function harnessEvents(result: ScenarioResult, target: string): string[] {
  return result.timeline.filter((e) => e.peer === 'harness' && e.target === target && e.ev !== 'spawn' && e.ev !== 'ready').map((e) => `${e.ev}${typeof e.signal === 'string' ? ':' + e.signal : ''}`);
}

const brief = (r: ScenarioResult): unknown => ({ failures: r.failures, peers: r.peers.map((p) => [p.id, p.end, p.exitCode, p.signal, p.plannedStop?.sent, p.stderr.slice(-300)]) });

describe('the planned stop of a run: server', () => {
  it('judges a one-shot server that ends 0.5 s after its client by its own exit, every run', async () => {
    for (let i = 0; i < 2; i++) {
      const result = await runFile('one-shot-server-exit');
      expect(brief(result)).toEqual(brief({ ...result, failures: [] }));
      const s = result.peers.find((p) => p.id === 'server')!;
      expect(s).toMatchObject({ end: 'self', exitCode: 0, signal: null, killedByHarness: false });
      expect(s.plannedStop).toMatchObject({ from: 'clients', afterMs: 2000, signal: 'SIGTERM', sent: [] });
      expect(s.plannedStop!.endedAfterMs).toEqual(expect.any(Number));
      expect(harnessEvents(result, 'server')).toEqual(['stop-wait:SIGTERM', 'exit']);
      expect(result.timeline.find((e) => e.ev === 'exit' && e.target === 'server')).toMatchObject({ end: 'self', from: 'clients', code: 0 });
    }
  }, 60_000);

  it('stops a daemon that exits 0 on SIGTERM and passes `exit: { server: 0 }`, every run', async () => {
    for (let i = 0; i < 2; i++) {
      const result = await runFile('daemon-stops-on-sigterm');
      expect(brief(result)).toEqual(brief({ ...result, failures: [] }));
      const s = result.peers.find((p) => p.id === 'server')!;
      expect(s).toMatchObject({ end: 'planned-stop', exitCode: 0, signal: null, killedByHarness: true });
      expect(s.plannedStop).toMatchObject({ from: 'clients', afterMs: 2000, signal: 'SIGTERM', graceMs: 2000, sent: ['SIGTERM'] });
      expect(harnessEvents(result, 'server')).toEqual(['stop-wait:SIGTERM', 'stop:SIGTERM', 'exit']);
    }
  }, 60_000);

  it('kills a daemon that ignores SIGTERM after the grace, and fails it unless that end is declared', async () => {
    for (let i = 0; i < 1; i++) {
      const declared = await runFile('daemon-ignores-sigterm');
      expect(brief(declared)).toEqual(brief({ ...declared, failures: [] }));
      expect(declared.peers[0]).toMatchObject({ end: 'planned-stop', signal: 'SIGKILL', plannedStop: { sent: ['SIGTERM', 'SIGKILL'] } });
      expect(declared.warnings.map((w) => w.message)).toEqual(['socket file s.sock was left behind by server, which the harness killed (planned-stop); removed']);
    }
    const undeclared = await runInline({ name: 'deaf daemon', server: { ...pythonServer('deaf'), stop: { after: '200ms', grace: '300ms' } }, client: echoClient });
    expect(undeclared.failures).toEqual([
      {
        code: 'EXIT_MISMATCH',
        peer: 'server',
        cause: 'SIGKILL',
        message:
          'server was stopped by the harness (SIGTERM 200 ms after the clients ended, then SIGKILL after the 300 ms grace) and was killed by SIGKILL: it did not end on SIGTERM; handle SIGTERM, name the signal it ends on with `stop: { signal: … }`, or declare `exit: { server: SIGKILL }` if intended',
      },
    ]);
    expect(undeclared.warnings.map((w) => w.code)).toEqual(['LEFTOVER_SOCKET']);
  }, 60_000);

  it('names a server that exits 1 by itself after its client as having ended by itself', async () => {
    for (let i = 0; i < 1; i++) {
      const result = await runInline({ name: 'exits 1', server: pythonServer('one-shot', '--linger', '0.1', '--exit', '1'), client: echoClient });
      // the message is the same in every run; when it ended is the report's "how the peers ended"
      expect(result.failures).toEqual([{ code: 'EXIT_MISMATCH', peer: 'server', message: 'server exited with code 1, expected 0' }]);
      expect(result.peers[0]).toMatchObject({ end: 'self', killedByHarness: false, plannedStop: { sent: [] } });
      const report = toPretty({ results: [result], invalid: [], durationMs: result.durationMs }, palette(false));
      expect(report).toMatch(/how the peers ended:\n {4}server ended by itself \d+ ms after the clients ended and exited with code 1\n/);
    }
  }, 60_000);

  it('holds a server that dies of the stop signal to `exit: { server: 0 }`, and to unlinking its socket', async () => {
    const result = await runInline({
      name: 'no handler',
      server: { ...pythonServer('plain'), stop: { after: '100ms' } },
      client: echoClient,
      expect: { exit: { server: 0 } },
    });
    expect(result.failures).toEqual([
      {
        code: 'EXIT_MISMATCH',
        peer: 'server',
        cause: 'SIGTERM',
        message:
          'server was stopped by the harness (SIGTERM 100 ms after the clients ended) and was killed by SIGTERM, expected 0; a program that must exit 0 handles SIGTERM and exits, or declare `exit: { server: SIGTERM }`',
      },
      {
        code: 'LEFTOVER_SOCKET',
        peer: 'server',
        message:
          'socket file s.sock was left in the run directory (expect: { leftoverSockets: fail }); server died of SIGTERM from its planned stop without unlinking it; a well-behaved server handles SIGTERM and unlinks its socket',
      },
    ]);
    // Undeclared, dying of the stop signal is an answer to it: only the socket file is held against it.
    const undeclared = await runInline({ name: 'no handler', server: { ...pythonServer('plain'), stop: { after: '100ms' } }, client: echoClient });
    expect(undeclared.failures.map((f) => f.code)).toEqual(['LEFTOVER_SOCKET']);
  }, 60_000);

  it.each(['SIGINT', 'SIGUSR1'])('sends the declared stop signal (%s) and reports how the program answered it', async (signal) => {
    // The daemon exits 0 on that signal; its supervisor, which leads the group and gets it too, must
    // outlive the program to report that exit rather than dying of the signal itself.
    const result = await runInline({
      name: signal,
      server: { ...pythonServer('daemon', '--on', signal), stop: { after: '100ms', signal } },
      client: echoClient,
      expect: { exit: { server: 0 } },
    });
    expect(brief(result)).toEqual(brief({ ...result, failures: [] }));
    expect(result.peers[0]).toMatchObject({ end: 'planned-stop', exitCode: 0, signal: null, plannedStop: { signal, sent: [signal] } });
  }, 30_000);
});

const LINGER = 'import socket, sys, time\ns = socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\ntime.sleep(3600)';

describe('the planned stop of a run: client', () => {
  it('stops a client that declares `stop:` once the server has ended, and judges its answer', async () => {
    const result = await runInline({
      name: 'lingering client',
      server: { steps: ['listen', 'accept', 'close'] },
      // connects, then never ends by itself
      client: { run: ['python3', '-c', LINGER, '${socket}'], stop: { after: '100ms' } },
    });
    expect(brief(result)).toEqual(brief({ ...result, failures: [] }));
    expect(result.peers[1]).toMatchObject({ id: 'client', end: 'planned-stop', signal: 'SIGTERM', plannedStop: { from: 'server', afterMs: 100, sent: ['SIGTERM'] } });
  }, 30_000);
});
