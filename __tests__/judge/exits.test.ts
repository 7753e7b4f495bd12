// src/judge/exits.ts: exit codes and signals against `expect.exit`, planned stops included.
import type { PeerRecord } from '../../src/run/types';
import { clientGroup, makeScenario, runPeer } from '../plan/make-scenario';
import { peer, record, scripted, messages } from './records';

describe('exit verdicts', () => {
  it('says what the code was and what was expected', () => {
    expect(messages(scripted(), record({ peers: [peer('server'), peer('client', { exitCode: 1 })] }))).toEqual([
      ['EXIT_MISMATCH', 'client exited with code 1, expected 0'],
    ]);
  });

  it('names an undeclared signal and how to declare it', () => {
    expect(messages(scripted(), record({ peers: [peer('server', { exitCode: null, signal: 'SIGKILL' }), peer('client')] }))).toEqual([
      ['PEER_CRASHED', 'server was killed by SIGKILL (not declared; declare `exit: { server: SIGKILL }` if intended)'],
    ]);
  });

  it('applies `clients` to every client and lets a peer id override it', () => {
    const s = makeScenario({ server: runPeer(['s']), clients: clientGroup(runPeer(['c']), 3) });
    s.expect.exit = { clients: { code: 2 }, 'client-3': { signal: 'SIGTERM' } };
    const peers = [peer('server'), peer('client-1', { exitCode: 2 }), peer('client-2', { exitCode: 0 }), peer('client-3', { exitCode: 0 })];
    expect(messages(s, record({ peers }))).toEqual([
      ['EXIT_MISMATCH', 'client-2 exited with code 0, expected 2'],
      ['EXIT_MISMATCH', 'client-3 exited with code 0, expected to be killed by SIGTERM'],
    ]);
  });

  it('applies `client` to every client of a group', () => {
    const s = makeScenario({ server: runPeer(['s']), clients: clientGroup(runPeer(['c']), 2) });
    s.expect.exit = { client: { code: 1 } };
    expect(messages(s, record({ peers: [peer('server'), peer('client-1', { exitCode: 1 }), peer('client-2', { exitCode: 1 })] }))).toEqual([]);
  });

  const plannedStop = { from: 'clients' as const, afterMs: 2000, signal: 'SIGTERM', graceMs: 2000, endedAfterMs: 2004, sent: ['SIGTERM'] };
  const stoppedWith = (over: Partial<PeerRecord>): PeerRecord =>
    peer('server', { exitCode: null, signal: null, killedByHarness: true, stoppedBy: 'planned-stop', plannedStop, ...over });

  it('passes a server its planned stop ended by the stop signal, exit 0 or 128 + the signal, when no exit is declared', () => {
    for (const end of [{ signal: 'SIGTERM' }, { exitCode: 0 }, { exitCode: 143 }]) {
      expect(messages(scripted(), record({ peers: [stoppedWith(end), peer('client')] }))).toEqual([]);
    }
  });

  it('holds a server its planned stop ended to a declared exit, saying how it was stopped', () => {
    const s = scripted();
    s.expect.exit = { server: { code: 0 } };
    expect(messages(s, record({ peers: [stoppedWith({ exitCode: 0 }), peer('client')] }))).toEqual([]);
    expect(messages(s, record({ peers: [stoppedWith({ signal: 'SIGTERM' }), peer('client')] }))).toEqual([
      [
        'EXIT_MISMATCH',
        'server was stopped by the harness (SIGTERM 2000 ms after the clients ended) and was killed by SIGTERM, expected 0; a program that must exit 0 handles SIGTERM and exits, or declare `exit: { server: SIGTERM }`',
      ],
    ]);
    s.expect.exit = { server: { signal: 'SIGTERM' } };
    expect(messages(s, record({ peers: [stoppedWith({ signal: 'SIGTERM' }), peer('client')] }))).toEqual([]);
  });

  it('fails a server that needed SIGKILL after its planned stop, or exited with another code', () => {
    const killed = stoppedWith({ signal: 'SIGKILL', plannedStop: { ...plannedStop, endedAfterMs: 4010, sent: ['SIGTERM', 'SIGKILL'] } });
    expect(messages(scripted(), record({ peers: [killed, peer('client')] }))).toEqual([
      [
        'EXIT_MISMATCH',
        'server was stopped by the harness (SIGTERM 2000 ms after the clients ended, then SIGKILL after the 2000 ms grace) and was killed by SIGKILL: it did not end on SIGTERM; handle SIGTERM, name the signal it ends on with `stop: { signal: … }`, or declare `exit: { server: SIGKILL }` if intended',
      ],
    ]);
    expect(messages(scripted(), record({ peers: [stoppedWith({ exitCode: 3 }), peer('client')] }))).toEqual([
      [
        'EXIT_MISMATCH',
        'server was stopped by the harness (SIGTERM 2000 ms after the clients ended) and exited with code 3; a planned stop expects exit code 0, SIGTERM or code 143 (128 + SIGTERM) unless `exit:` says otherwise; declare `exit: { server: 3 }` if intended',
      ],
    ]);
  });

  it('words a peer that ended by itself the same whether its planned stop had begun or not (when is the reports\' to say)', () => {
    const self = peer('server', { exitCode: 1, plannedStop: { ...plannedStop, endedAfterMs: 503, sent: [] } });
    const before = peer('server', { exitCode: 1 });
    expect(messages(scripted(), record({ peers: [self, peer('client')] }))).toEqual([['EXIT_MISMATCH', 'server exited with code 1, expected 0']]);
    expect(messages(scripted(), record({ peers: [before, peer('client')] }))).toEqual([['EXIT_MISMATCH', 'server exited with code 1, expected 0']]);
  });
});
