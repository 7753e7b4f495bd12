// Load-time checks of connection names (`accept: { as }`, `on:`) and of `recv.from`, which names
// a peer or, for datagrams, a socket path.
import path from 'node:path';
import { checkScenario } from '../../src/scenario/normalize';
import { validateScenarioFile } from '../../src/scenario';
import type { ScenarioInput } from '../../src/scenario/types';

const invalid = (name: string): string => path.join(__dirname, '../../fixtures/invalid', name);

function problemsOf(input: ScenarioInput): string[] {
  return checkScenario(input, { baseDir: __dirname }).problems.map((p) => `${p.path}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`);
}

describe('connection names', () => {
  it('an `on:` that no earlier accept declared is an error at file:line:col with a hint', async () => {
    const problems = await validateScenarioFile(invalid('undeclared-connection.yaml'));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({
      file: invalid('undeclared-connection.yaml'),
      line: 8,
      col: 19,
      path: 'server.steps[3].send.on',
      message: 'no earlier `accept` names a connection `frist`',
      hint: 'did you mean `first`?',
    });
    expect(problems[1]).toMatchObject({ line: 9, path: 'server.steps[4].recv.on', message: 'no earlier `accept` names a connection `third`', hint: 'connections named so far: `first` or `second`' });
  });

  it('a name is declared only by an earlier step', () => {
    expect(
      problemsOf({
        name: 'late',
        server: { steps: ['listen', { send: { on: 'a', text: 'x' } }, { accept: { as: 'a' } }] },
        client: { steps: ['connect'] },
      }),
    ).toEqual(['server.steps[1].send.on: no earlier `accept` names a connection `a` (name one where it is accepted: `- accept: { as: a }`)']);
  });

  it('every step that uses a connection takes `on`', () => {
    const on = { on: 'a' };
    expect(
      problemsOf({
        name: 'all of them',
        files: { f: { content: 'x' } },
        server: {
          steps: [
            'listen',
            { accept: { as: 'a' } },
            { send: { ...on, text: 'x' } },
            { recv: { ...on, text: 'x' } },
            { sendFds: { ...on, files: ['f'] } },
            { recvFds: { ...on, count: 1 } },
            { shutdown: { ...on, how: 'write' } },
            { close: on },
          ],
        },
        client: { steps: ['connect'] },
      }),
    ).toEqual([]);
  });
});

describe('recv.from', () => {
  it('`on` and `from` on one stream recv are refused: both pick a connection', () => {
    expect(
      problemsOf({
        name: 'both',
        socket: 'stream',
        server: { steps: ['listen', { accept: { as: 'a' } }, { recv: { on: 'a', from: 'client', text: 'x' } }] },
        client: { steps: ['connect'] },
      }),
    ).toEqual(['server.steps[2].recv.on: `on` and `from` both pick a connection; write one of them (`on: a` names the connection; `from: client` finds the one that peer made)']);
  });

  it('a misspelt peer is refused with a hint; a path is taken as a path', async () => {
    const problems = await validateScenarioFile(invalid('recv-from.yaml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ line: 6, path: 'server.steps[1].recv.from', message: 'no peer is called `clinet`' });
    expect(problems[0]!.hint).toMatch(/did you mean `client`\?; a socket path needs a `\/`, a `\.` or a leading `@`, e\.g\. `\.\/clinet`/);
  });

  it('on a stream socket `from` names a peer, not a path', () => {
    expect(
      problemsOf({ name: 'stream', socket: 'stream', server: { steps: ['listen', 'accept', { recv: { from: 'c.sock', text: 'x' } }] }, client: { steps: ['connect'] } }),
    ).toEqual(['server.steps[2].recv.from: on a stream socket `from` names a peer (the connection it made), not a path (peers in this scenario: `server` or `client`)']);
  });
});
