// src/judge/startup.ts: a peer that could not be started (with a hint per errno), and a server that
// never became ready (naming the peers that were then never started).
import { peer, record, scripted, messages } from './records';

describe('startup verdicts', () => {
  it('reports SPAWN_FAILED with the errno, the program and what to check', () => {
    const failed = peer('client', { started: false, exitCode: null, spawnError: { code: 'ENOENT', message: 'spawn ./nope ENOENT' }, argv: ['./nope'] });
    expect(messages(scripted(), record({ peers: [peer('server'), failed] }))).toEqual([
      ['SPAWN_FAILED', 'client could not be started (./nope): spawn ./nope ENOENT; no such program or working directory; check `run:`, `cwd:` and PATH'],
    ]);
  });

  it('reports NOT_READY once, with the clients it never started', () => {
    const notReady = { peer: 'server', waitedFor: 'socket /tmp/u/r-1/s.sock', message: 'server was not ready after 5000 ms: socket /tmp/u/r-1/s.sock not listening' };
    const peers = [peer('server', { exitCode: null, signal: 'SIGTERM', killedByHarness: true, stoppedBy: 'not-ready' }), peer('client', { started: false, exitCode: null })];
    expect(messages(scripted(), record({ notReady, peers })).filter(([code]) => code === 'NOT_READY')).toEqual([
      ['NOT_READY', 'server was not ready after 5000 ms: socket /tmp/u/r-1/s.sock not listening; not started: client'],
    ]);
  });

  it('says nothing more about readiness when the server could not even be started', () => {
    const failed = peer('server', { started: false, exitCode: null, spawnError: { code: 'EACCES', message: 'spawn ./srv EACCES' }, argv: ['./srv'] });
    const codes = messages(scripted(), record({ notReady: { peer: 'server', waitedFor: 'socket', message: 'never ready' }, peers: [failed, peer('client', { started: false })] })).map(([c]) => c);
    expect(codes).toContain('SPAWN_FAILED');
    expect(codes).not.toContain('NOT_READY');
  });
});
