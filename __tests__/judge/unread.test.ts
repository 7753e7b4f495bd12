// src/judge/unread.ts: bytes a scripted peer closed a connection with and never read, per `unreadData`.
import { judgeRun } from '../../src/judge/judge-run';
import type { PeerEvent } from '../../src/protocol/events';
import { plan, record, scripted, messages } from './records';

const timeline: PeerEvent[] = [
  { t: 7, peer: 'server', ev: 'unread', step: 4, stepName: 'close', connection: 'the connection from client', bytes: 1, first: '"!"' },
  { t: 8, peer: 'client', ev: 'unread', connection: 'its connection', bytes: 4096, more: true, first: '"xxxx…"' },
];

describe('unread-data verdicts', () => {
  it('fails each connection closed with unread bytes, at the step, saying how to read them or opt out', () => {
    const result = judgeRun(scripted(), plan, record({ timeline }));
    expect(result.failures).toEqual([
      {
        code: 'UNREAD_DATA',
        peer: 'server',
        step: { name: 'close', index: 4 },
        message:
          'server closed the connection from client with 1 byte it never read, starting "!" (unreadData: fail); read them with a `recv` (or `recv: { eof: true }` to prove nothing more comes), or write `expect: { unreadData: ignore }`',
      },
      expect.objectContaining({ code: 'UNREAD_DATA', peer: 'client', message: expect.stringContaining('client closed its connection with at least 4096 bytes it never read') }),
    ]);
  });

  it('warns under unreadData: warn and says nothing under ignore', () => {
    const s = scripted();
    s.expect.unreadData = 'warn';
    const warned = judgeRun(s, plan, record({ timeline }));
    expect(warned.passed).toBe(true);
    expect(warned.warnings.map((w) => w.code)).toEqual(['UNREAD_DATA', 'UNREAD_DATA']);
    s.expect.unreadData = 'ignore';
    expect(messages(s, record({ timeline }))).toEqual([]);
    expect(judgeRun(s, plan, record({ timeline })).warnings).toEqual([]);
  });
});
