// src/judge/output.ts: `expect.stdout` and `expect.stderr` patterns over the captured output.
import { peer, record, scripted, messages } from './records';

describe('output verdicts', () => {
  it('reports a pattern that does not match, with what was seen', () => {
    const s = scripted();
    s.expect.stdout = { client: '^ok$' };
    s.expect.stderr = { server: 'warn' };
    expect(messages(s, record({ peers: [peer('server', { stderr: '' }), peer('client', { stdout: 'not ok\n' })] }))).toEqual([
      ['OUTPUT_MISMATCH', 'client stdout does not match /^ok$/ (expect.stdout.client); stdout was: not ok'],
      ['OUTPUT_MISMATCH', 'server stderr does not match /warn/ (expect.stderr.server); stderr was empty'],
    ]);
  });

  it('shows a pattern holding a newline on the message line, escaped', () => {
    const s = scripted();
    s.expect.stdout = { client: '^ready\nok$' };
    expect(messages(s, record({ peers: [peer('server'), peer('client', { stdout: 'ready\n' })] }))).toEqual([
      ['OUTPUT_MISMATCH', 'client stdout does not match /^ready\\nok$/ (expect.stdout.client); stdout was: ready'],
    ]);
  });

  it('reports an expectation for a peer that does not exist', () => {
    const s = scripted();
    s.expect.stdout = { 'client-9': 'x' };
    expect(messages(s, record())).toEqual([['OUTPUT_MISMATCH', 'expect.stdout names client-9, which is not a peer of this scenario (peers: server, client)']]);
  });
});
