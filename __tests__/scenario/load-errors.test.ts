import path from 'node:path';
import { checkScenarioText, loadScenario, ScenarioError, validateScenarioFile, type Problem } from '../../src/scenario';

const invalid = (name: string) => path.join(__dirname, '../../fixtures/invalid', name);

async function problemsOf(name: string): Promise<Problem[]> {
  return validateScenarioFile(invalid(name));
}

describe('loader errors point at file:line:col', () => {
  it.each<[string, Array<Partial<Problem>>]>([
    ['syntax-error.yaml', [{ line: 3, col: 10, message: 'this `[` is never closed: the list it opens has no `]`', hint: 'end the list with `]`, or write it as a block list, one `- item` per line' }]],
    ['unknown-key.yaml', [{ line: 2, col: 1, path: 'sockett', message: 'unknown key `sockett`', hint: 'did you mean `socket`?' }]],
    ['unknown-step.yaml', [{ line: 10, col: 7, path: 'client.steps[1].sned', message: 'unknown step `sned`', hint: 'did you mean `send`?' }]],
    ['wrong-type.yaml', [{ line: 6, col: 24, path: 'server.steps[2].close.unlink', message: '`unlink` must be `true` or `false`, got `maybe`' }]],
    ['bad-duration.yaml', [{ line: 2, col: 10, path: 'timeout', message: '`timeout` must be a duration like `500ms` or `2s`, got `fast`' }]],
    [
      'bad-size-range.yaml',
      [
        { line: 6, col: 34, path: 'server.steps[1].recv.size', message: '`size` range `4096..64` has its minimum above its maximum', hint: 'write `64..4096`' },
        { line: 9, col: 34, path: 'client.steps[0].send.size', hint: 'write `64..4096`' },
      ],
    ],
    ['missing-name.yaml', [{ line: 1, col: 1, path: '', message: 'a scenario needs `name`' }]],
    [
      'undeclared-file.yaml',
      [
        { line: 8, col: 42, path: 'server.steps[2].recvFds.expect[0].sameFileAs', message: 'no file `logg` is declared under `files:`', hint: 'did you mean `log`?' },
        { line: 12, col: 26, path: 'client.steps[1].sendFds.files[0]', message: 'no file `lgo` is declared under `files:`', hint: 'did you mean `log`?' },
      ],
    ],
    ['waitfor-unknown-peer.yaml', [{ line: 6, col: 24, path: 'client.steps[0].waitFor.peer', message: 'no peer is called `sever`', hint: 'did you mean `server`?' }]],
    ['steps-and-run.yaml', [{ line: 4, col: 3, path: 'server.run', message: '`server` has both `steps` and `run`; a peer runs one program' }]],
    ['unknown-key.json', [{ line: 5, col: 5, path: 'server.evn', message: 'unknown key `evn` in `server`', hint: 'did you mean `env`?' }]],
    [
      'bad-stop.yaml',
      [
        { line: 4, col: 3, path: 'server.stop', message: '`stop` applies to `run:` peers; a scripted peer ends when its last step does', hint: "remove `stop`; the run's `timeout:` bounds a peer that never ends" },
        { line: 7, col: 30, path: 'client.stop.signal', message: 'a planned stop cannot send `SIGSTOP`', hint: expect.stringContaining('`SIGTERM`, `SIGINT`') as unknown as string },
      ],
    ],
    [
      'client-stop-without-server.yaml',
      [
        { line: 4, col: 3, path: 'client.stop', message: '`stop` on a client counts from the end of the server, and this scenario has no server' },
        { line: 4, col: 30, path: 'client.stop.signal', message: `\`SIGTREM\` is not a signal on ${process.platform}`, hint: 'did you mean `SIGTERM`?' },
      ],
    ],
    [
      'bad-recv-match.yaml',
      [
        {
          line: 6,
          col: 22,
          path: 'server.steps[1].recv.match',
          message: '`match` is not a valid regular expression: /^OK (\\d+/: Unterminated group',
        },
        { line: 7, col: 15, path: 'server.steps[2].recv.until', message: expect.stringContaining('`until` splits a byte stream; a dgram socket keeps message boundaries') as unknown as string, hint: 'remove `until`' },
        { line: 8, col: 25, path: 'server.steps[3].recv.contains', message: 'a `recv` checks one thing; found `text` and `contains`' },
      ],
    ],
    [
      'unknown-capture.yaml',
      [
        { line: 7, col: 21, path: 'server.steps[3].send.text', message: '${capture.nmae}: no step captures `nmae`', hint: 'did you mean `name`?' },
        { line: 8, col: 43, path: 'server.steps[4].recv.capture', message: '`capture` names values of a `json` recv by their JSON path' },
      ],
    ],
    [
      'bad-recv-buffer.yaml',
      [
        { line: 7, col: 28, path: 'server.steps[2].recv.truncated', message: 'a stream has no message to cut: `truncated` applies to datagram and seqpacket sockets', hint: 'remove `truncated`' },
        { line: 8, col: 28, path: 'server.steps[3].recv.maxBytes', message: expect.stringContaining('`maxBytes` bounds one plain read') as unknown as string },
      ],
    ],
    [
      'bad-buffers-and-waits.yaml',
      [
        { line: 2, col: 32, path: 'socket.sndbuf', message: '`sndbuf` must be at least 1, got `-4096`' },
        { line: 5, col: 25, path: 'server.steps[0].listen.rcvbuf', message: '`rcvbuf` must be at least 1, got `0`' },
        { line: 7, col: 34, path: 'server.steps[2].send.sndbuf', message: '`sndbuf` must be a whole number, got `4k`' },
        { line: 11, col: 27, path: 'client.steps[0].waitFor.capture', message: '${capture.stat}: no step captures `stat`', hint: 'did you mean `state`?' },
        { line: 12, col: 34, path: 'client.steps[1].waitFor.peer', message: expect.stringContaining('`peer` belongs to a `waitFor` of an event') as unknown as string },
        { line: 13, col: 16, path: 'client.steps[2].waitFor', message: '`value` needs `capture` too' },
        { line: 14, col: 19, path: 'client.steps[3].shutdown.sndbuf', message: 'unknown key `sndbuf` in `shutdown`' },
      ],
    ],
  ])('%s', async (name, expected) => {
    const problems = await problemsOf(name);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((want, i) => expect(problems[i]).toMatchObject({ file: invalid(name), ...want }));
  });

  it('throws ScenarioError with code ERR_SCENARIO_INVALID and every problem', async () => {
    const error = await loadScenario(invalid('undeclared-file.yaml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error).toMatchObject({ code: 'ERR_SCENARIO_INVALID', file: invalid('undeclared-file.yaml') });
    expect((error as ScenarioError).problems).toHaveLength(2);
    expect((error as ScenarioError).message).toBe(`invalid scenario ${invalid('undeclared-file.yaml')} (2 problems):\n${(error as ScenarioError).format()}`);
    expect((error as ScenarioError).message).toContain('undeclared-file.yaml:8:42: no file `logg` is declared under `files:`');
  });

  it('formats each problem with its source line, a caret under the column, and the hint', async () => {
    const error = (await loadScenario(invalid('unknown-step.yaml')).catch((e: unknown) => e)) as ScenarioError;
    expect(error.format()).toBe(
      [`${invalid('unknown-step.yaml')}:10:7: unknown step \`sned\``, '10 |     - sned: { text: hi }', '   |       ^', 'hint: did you mean `send`?'].join('\n'),
    );
  });

  it('reports a missing file as a problem that keeps the errno code', async () => {
    const problems = await validateScenarioFile(invalid('no-such-file.yaml'));
    expect(problems).toEqual([expect.objectContaining({ message: 'cannot read the scenario file: ENOENT' })]);
    const error = (await loadScenario(invalid('no-such-file.yaml')).catch((e: unknown) => e)) as ScenarioError;
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ENOENT');
  });

  it('rejects other file extensions', async () => {
    expect(await validateScenarioFile(invalid('scenario.txt'))).toEqual([expect.objectContaining({ message: 'a scenario file ends in `.yaml`, `.yml` or `.json`' })]);
  });
});

describe('YAML syntax errors are shown where they can be fixed, with a hint for the common ones', () => {
  const syntax = (text: string) => checkScenarioText(text, 'syntax.scenario.yaml').problems.map((p) => [`${p.line}:${p.col}`, p.message, p.hint]);

  it('an unclosed `[` or `{` at its opening bracket; around another unclosed one, only the inner is said', () => {
    expect(syntax('name: x\nserver: { steps: [listen }\nclient: { steps: [connect }\n')).toEqual([
      ['2:18', 'this `[` is never closed: the list it opens has no `]`', 'end the list with `]`, or write it as a block list, one `- item` per line'],
      ['3:18', 'this `[` is never closed: the list it opens has no `]`', 'end the list with `]`, or write it as a block list, one `- item` per line'],
    ]);
    expect(syntax('name: x\nserver: { steps: [listen, { recv: { until: x } ] }\n')).toEqual([['2:27', 'this `{` is never closed: the map it opens has no `}`', 'end the map with `}`, or write it as a block map, one `key: value` per line']]);
    expect(syntax('{\n "name": "x",\n "server": { "steps": ["listen",\n "client": {}\n}\n').map((p) => p[0])).toEqual(['3:23']);
  });

  it('a missing space after a colon, and a tab as indentation', () => {
    expect(syntax('name: x\ntimeout:5s\nserver: { steps: [listen] }\n')).toEqual([
      ['2:1', 'Implicit keys need to be on a single line', 'write a space after the colon: `timeout: 5s` (without it YAML reads `timeout:5s` as one word)'],
    ]);
    expect(syntax('name: x\nserver:\n\tsteps: [listen]\n')).toEqual([['3:1', 'Tabs are not allowed as indentation', 'YAML indentation uses spaces, not tabs']]);
  });
});
