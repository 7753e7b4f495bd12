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
      expect.objectContaining({ line: 6, col: 22, path: 'server.steps[2].recv.match', message: '`match` is not a valid regular expression: Invalid regular expression: /line\\n(unclosed/: Unterminated group' }),
    ]);
    const text = formatProblems(problems).split('\n');
    expect(text[0]).toMatch(/input-hints\.scenario\.yaml:6:22: `match` is not a valid regular expression: .*\/line\\n\(unclosed\/: Unterminated group$/);
    expect(text[1]).toBe('6 |     - recv: { match: "line\\n(unclosed" }');
  });

  it('so is one in `ready: { stdout }` and in `expect.stdout`, with tabs and other control characters', () => {
    const text = 'name: r\nserver: { run: [prog], ready: { stdout: "a\\t(b" } }\nclient: { steps: [connect] }\nexpect: { stdout: { client: "x\\r\\n[" } }\n';
    expect(problemsOf(text).map((p) => [p.path, p.message])).toEqual([
      ['server.ready.stdout', '`stdout` is not a valid regular expression: Invalid regular expression: /a\\t(b/: Unterminated group'],
      ['expect.stdout.client', 'not a valid regular expression: Invalid regular expression: /x\\r\\n[/: Unterminated character class'],
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
