// What a new user's bad input gets back: every problem at file:line:col, on lines of its own (a
// raw newline from the file never breaks a message), with what to write instead.
import path from 'node:path';
import { checkScenarioText, formatProblems, type Problem } from '../../src/scenario';

const FILE = path.join(__dirname, 'input-hints.scenario.yaml');

function problemsOf(text: string): Problem[] {
  return checkScenarioText(text, FILE).problems;
}

/** A stream scenario whose server runs `server` after accepting and whose client runs `client` after connecting. */
function stepsScenario(server: string, client = '- close'): string {
  return `name: hints\nserver:\n  steps:\n    - listen\n    - accept\n    ${server}\nclient:\n  steps:\n    - connect\n    ${client}\n`;
}

describe('an invalid regular expression is shown on one line', () => {
  it('a raw newline in a `match` pattern is escaped in the message, and the caret stays under it', () => {
    const problems = problemsOf(stepsScenario('- recv: { match: "line\\n(unclosed" }'));
    expect(problems).toEqual([
      expect.objectContaining({ line: 6, col: 22, path: 'server.steps[2].recv.match', message: '`match` is not a valid regular expression: /line\\n(unclosed/: Unterminated group' }),
    ]);
    const text = formatProblems(problems).split('\n');
    expect(text[0]).toMatch(/input-hints\.scenario\.yaml:6:22: `match` is not a valid regular expression: .*\/line\\n\(unclosed\/: Unterminated group$/);
    expect(text[1]).toBe('6 |     - recv: { match: "line\\n(unclosed" }');
  });

  it('says once that it is not a valid regular expression, and gives the escaping advice only where an unescaped character is the cause', () => {
    const [order] = problemsOf(stepsScenario('- recv: { match: "a{2,1}" }'));
    expect(order).toMatchObject({ message: '`match` is not a valid regular expression: /a{2,1}/: numbers out of order in {} quantifier', hint: 'write it in JavaScript syntax' });
    const [group] = problemsOf(stepsScenario('- recv: { match: "f(x" }'));
    expect(group).toMatchObject({ message: '`match` is not a valid regular expression: /f(x/: Unterminated group', hint: expect.stringContaining('escape a literal `(`') });
  });

  it('so is one in `ready: { stdout }` and in `expect.stdout`, with tabs and other control characters', () => {
    const text = 'name: r\nserver: { run: [prog], ready: { stdout: "a\\t(b" } }\nclient: { steps: [connect] }\nexpect: { stdout: { client: "x\\r\\n[" } }\n';
    expect(problemsOf(text).map((p) => [p.path, p.message])).toEqual([
      ['server.ready.stdout', '`stdout` is not a valid regular expression: /a\\t(b/: Unterminated group'],
      ['expect.stdout.client', 'not a valid regular expression: /x\\r\\n[/: Unterminated character class'],
    ]);
  });
});

describe("a `'\\n'` that YAML left as a backslash and an `n`", () => {
  const warningsOf = (text: string) => {
    const checked = checkScenarioText(text, FILE);
    expect(checked.problems).toEqual([]);
    return checked.scenario?.warnings ?? [];
  };

  it('in single quotes in `until` is a warning at file:line:col saying to write "\\n" in double quotes; the scenario still loads', () => {
    const warnings = warningsOf(stepsScenario("- recv: { until: '\\n' }", '- send: { text: "x\\n" }'));
    expect(warnings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 6,
        col: 22,
        path: 'server.steps[2].recv.until',
        message: '`until` holds `\\n` as two characters, a backslash and `n`, not a newline: YAML turns escapes into control characters only in double quotes, not in single quotes',
        hint: 'for a newline write `until: "\\n"` (double quotes); if the backslash is meant, write `until: "\\\\n"`',
      }),
    ]);
    expect(formatProblems(warnings).split('\n')[0]).toMatch(/input-hints\.scenario\.yaml:6:22: warning: `until` holds `\\n`/);
  });

  it('comes beside the problems of a file that has some, so one round shows both', () => {
    const checked = checkScenarioText(stepsScenario("- recv: { until: '\\n' }", '- send: hello'), FILE);
    expect(checked.problems.map((p) => p.path)).toEqual(['client.steps[1].send']);
    expect(checked.warnings?.map((w) => w.path)).toEqual(['server.steps[2].recv.until']);
  });

  it('unquoted in `until`, and ending a `text` or a file `content` in single quotes, is a warning too', () => {
    const text = "name: w\nfiles:\n  log: { content: 'line one\\n' }\nserver:\n  steps: [listen, accept, { recv: { until: \\r\\n } }, close]\nclient:\n  steps: [connect, { send: { text: 'GET\\r\\n' } }, close]\n";
    expect(warningsOf(text).map((w) => [w.line, w.col, w.path, w.hint])).toEqual([
      [3, 19, 'files.log.content', 'for a newline write `content: "line one\\n"` (double quotes); if the backslash is meant, write `content: "line one\\\\n"`'],
      [5, 44, 'server.steps[2].recv.until', 'for a carriage return write `until: "\\r\\n"` (double quotes); if the backslash is meant, write `until: "\\\\r\\\\n"`'],
      [7, 36, 'client.steps[1].send.text', 'for a carriage return write `text: "GET\\r\\n"` (double quotes); if the backslash is meant, write `text: "GET\\\\r\\\\n"`'],
    ]);
  });

  it('is no warning where a backslash is likely meant: double quotes, JSON files, a regex, JSON text, a backslash inside a text', () => {
    expect(warningsOf(stepsScenario('- recv: { until: "\\\\n" }', '- send: { text: "x\\\\n" }'))).toEqual([]);
    expect(warningsOf(stepsScenario("- recv: { match: '^a\\n' }", "- send: { text: '{\"a\":\"b\\nc\"}' }"))).toEqual([]);
    const json = JSON.stringify({ name: 'j', server: { steps: ['listen', 'accept', { recv: { until: '\\n' } }, 'close'] }, client: { steps: ['connect', { send: { text: 'x\\n' } }, 'close'] } });
    const checked = checkScenarioText(json, FILE.replace(/yaml$/, 'json'));
    expect(checked.problems).toEqual([]);
    expect(checked.scenario?.warnings).toBeUndefined();
  });
});

describe('a value of the wrong type names the type and shows the value rewritten', () => {
  /** [path, message, hint] of each problem */
  const told = (text: string) => problemsOf(text).map((p) => [p.path, p.message, p.hint]);

  it('`run:` written as a command line gets it split into a list, quoting what YAML would not read as text', () => {
    expect(told('name: r\nserver:\n  run: python3 server.py --port 8080 "my file"\nclient: { steps: [connect] }\n')).toEqual([
      ['server.run', '`run` must be a list, got `python3 server.py --port 8080 "my file"`', '`run` starts a program with no shell: write the program and its arguments as a list, `run: [python3, server.py, --port, "8080", "my file"]`'],
    ]);
  });

  it('`run:` with shell syntax gets a shell to run it, since no shell runs a `run:` list', () => {
    expect(told('name: r\nclient:\n  run: "nc -U ${socket} | grep ok"\n')).toEqual([
      ['client.run', '`run` must be a list, got `nc -U ${socket} | grep ok`', '`run` starts a program with no shell: write the program and its arguments as a list, e.g. `run: [python3, server.py]`; for shell syntax, run a shell: `run: [sh, -c, "nc -U ${socket} | grep ok"]`'],
    ]);
  });

  it('a list of arguments with a number or a boolean in it gets the whole list back, those quoted', () => {
    expect(told('name: r\nclient:\n  run: [prog, --port, 8080, true]\n').map(([, , hint]) => hint)).toEqual([
      'quote what YAML reads as a number or `true`/`false`: `run: [prog, --port, "8080", "true"]`',
      'quote what YAML reads as a number or `true`/`false`: `run: [prog, --port, "8080", "true"]`',
    ]);
  });

  it('`send: hello` gets `send: { text: hello }` (the payload key), and other steps their own option', () => {
    const text = stepsScenario('- recvFds: 2', '- send: "hello"\n    - sendFds: log\n    - waitFor: server.accept\n    - bind: me.sock');
    expect(told(text)).toEqual([
      ['server.steps[2].recvFds', '`recvFds` must be a map, got `2`', 'write the options of `recvFds` as a map: `recvFds: { count: 2 }`'],
      ['client.steps[1].send', '`send` must be a map, got `hello`', 'write the options of `send` as a map: `send: { text: hello }`'],
      ['client.steps[2].sendFds', '`sendFds` must be a map, got `log`', 'write the options of `sendFds` as a map: `sendFds: { files: [log] }`'],
      ['client.steps[3].waitFor', '`waitFor` must be a map, got `server.accept`', 'write the options of `waitFor` as a map: `waitFor: { peer: server, event: accept }`'],
      [
        'client.steps[4].bind',
        '`bind` must be empty or a map with `timeout`, `expectError`, `sndbuf`, `rcvbuf` or `path`, got `me.sock`',
        'write the options of `bind` as a map: `bind: { path: me.sock }`',
      ],
    ]);
  });

  it('a number or boolean written in quotes is shown as the text it is, with the value unquoted', () => {
    const text = stepsScenario('- recv: { eof: "true" }', '- send: { count: "10", size: 64 }');
    expect(told(text + 'expect: { loss: "0", exit: { server: "0" } }\n')).toEqual([
      ['server.steps[2].recv.eof', '`eof` must be `true` or `false`, got the text `"true"`', 'write it without quotes: `eof: true`'],
      ['client.steps[1].send.count', '`count` must be a whole number, got the text `"10"`', 'write the number without quotes: `count: 10`'],
      ['expect.loss', '`loss` must be a whole number, got the text `"0"`', 'write the number without quotes: `loss: 0`'],
      ['expect.exit.server', '`server` must be an exit code (a number) or a signal name like `SIGTERM`, got the text `"0"`', 'write the exit code without quotes: `server: 0`'],
    ]);
  });

  it('an exit expectation written as a word says it takes an exit code or a signal name, as a quoted number does', () => {
    expect(told(stepsScenario('- close') + 'expect: { exit: { server: zero, client: SIGTERM } }\n')).toEqual([
      ['expect.exit.server', '`server` must be an exit code (a number) or a signal name like `SIGTERM`, got `zero`', 'write the exit code as a number, e.g. `server: 0`, or the signal that ends it, e.g. `server: SIGTERM`'],
    ]);
  });

  it('a single value where a list goes gets the one-item list', () => {
    const text = 'name: l\ntags: smoke\nfiles: { log: { content: x } }\nserver:\n  steps:\n    - listen\n    - accept\n    - recvFds: { expect: { type: file } }\nclient:\n  steps: connect\n';
    expect(told(text).map(([path, , hint]) => [path, hint])).toEqual([
      ['tags', 'write a list, even of one item: `tags: [smoke]`'],
      ['server.steps[2].recvFds.expect', 'write a list, even of one item: put `- ` before it, or `expect: [ { type: file } ]`'],
      ['client.steps', 'write a list, even of one item: `steps: [connect]`'],
    ]);
  });

  it('`chunk: 0` gets the range, and `chunk: 0..7` its corrected range', () => {
    const proxied = (chunk: string) => `name: p\nproxy:\n  toServer: { chunk: ${chunk} }\nserver: { steps: [listen, accept, close] }\nclient: { steps: [connect, close] }\n`;
    expect(told(proxied('0'))).toEqual([['proxy.toServer.chunk', '`chunk` must be at least 1, got `0`', 'write a whole number from 1 to 16777216 (bytes), e.g. `chunk: 1`, or a range like `chunk: 1..7`']]);
    expect(told(proxied('0..7'))).toEqual([['proxy.toServer.chunk', '`chunk` must be at least 1 byte, got `0..7`', 'sizes start at 1: write `1..7`']]);
  });

  it('`chunk: "1"` is taken deliberately as `chunk: 1`: a size is a number or a range, and a range is text', () => {
    const proxied = (chunk: string) => checkScenarioText(`name: p\nproxy:\n  toServer: { chunk: ${chunk} }\nserver: { steps: [listen, accept, close] }\nclient: { steps: [connect, close] }\n`, FILE);
    const quoted = proxied('"1"');
    expect(quoted.problems).toEqual([]);
    expect(quoted.scenario?.proxy?.toServer).toEqual(proxied('1').scenario?.proxy?.toServer);
    expect(quoted.scenario?.proxy?.toServer).toMatchObject({ chunkMin: 1, chunkMax: 1 });
  });

  it('a peer written as a command line, a file as its text, and env as NAME=value get the map they mean', () => {
    const text = 'name: m\nfiles:\n  log: "hello"\nserver: python3 server.py\nclient:\n  run: [prog]\n  env: FOO=bar\n';
    expect(told(text).map(([path, , hint]) => [path, hint])).toEqual([
      ['files.log', 'a file is a map: `log: { content: hello }`, or `{ from: path }` to copy one'],
      ['server', 'a peer is a map: `server: { run: [python3, server.py] }` for a program, or `server: { steps: [...] }` for a scripted peer'],
      ['client.env', 'write the variables as a map: `env: { FOO: bar }`'],
    ]);
  });
});

describe('an unquoted ${variable} in a flow list', () => {
  it('`run: [python3, server.py, ${socket}]` says to quote it, at its position', () => {
    const problems = problemsOf('name: q\nserver:\n  run: [python3, server.py, ${socket}]\nclient:\n  steps: [connect]\n');
    expect(problems[0]).toMatchObject({ line: 3, hint: 'quote a `${socket}` inside `[ ]` or `{ }`: write "${socket}" (a bare `{` opens a map there)' });
  });

  it('a quoted one, or one in block style, is fine', () => {
    expect(problemsOf('name: q\nserver:\n  run: [python3, server.py, "${socket}"]\nclient:\n  steps: [connect]\n')).toEqual([]);
    expect(problemsOf('name: q\nserver:\n  run:\n    - python3\n    - ${socket}\nclient:\n  steps: [connect]\n')).toEqual([]);
  });
});

describe('checks that follow the schema run on what it left sound, in the same round', () => {
  it("a `'\\n'` in `until` is warned about beside a broken `timeout` of the same step, and the timeout is reported once", () => {
    const checked = checkScenarioText(stepsScenario("- recv: { until: '\\n', timeout: soon }"), FILE);
    expect(checked.problems.map((p) => [p.path, p.message])).toEqual([['server.steps[2].recv.timeout', '`timeout` must be a duration like `500ms` or `2s`, got `soon`']]);
    expect(checked.warnings?.map((w) => [w.path, w.line, w.col])).toEqual([['server.steps[2].recv.until', 6, 22]]);
  });

  it('a step address is kept for the sun_path check beside other problems; a broken one or a peer name is not', () => {
    const checked = checkScenarioText(stepsScenario('- send: { to: "x.sock", count: ten }', '- connect: { to: server }'), FILE);
    expect(checked.problems).not.toEqual([]);
    expect(checked.addresses).toEqual([{ where: 'server.steps[2].send.to', value: 'x.sock', pos: expect.objectContaining({ line: 6, col: 19 }) }]);
  });
});
