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
