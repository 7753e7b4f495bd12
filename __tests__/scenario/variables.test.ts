// `${variables}` and run-directory paths are checked by the loader, so their problems have a
// line and column like every other (they were PlanErrors without a position).
import { checkScenarioText } from '../../src/scenario';

const FILE = '/scenarios/vars.yaml';

describe('variables and step paths are problems at their position', () => {
  it('an unknown variable in `run:` points at the argument', () => {
    const { problems } = checkScenarioText('name: v\nclient:\n  run: [echo, "${nope}", "${sokcet}"]\n', FILE);
    expect(problems).toEqual([
      expect.objectContaining({ line: 3, col: 15, path: 'client.run[1]', message: 'unknown variable `${nope}`', hint: 'known variables: `${dir}` or `${socket}`' }),
      expect.objectContaining({ line: 3, col: 26, path: 'client.run[2]', message: 'unknown variable `${sokcet}`', hint: 'did you mean `${socket}`?' }),
    ]);
  });

  it('variables in `env:` and `cwd:`, and `${fd}` / `${socket}` by address kind', () => {
    const text = ['name: v', 'files: { a: { content: x } }', 'client:', '  run: [echo, "${files.a}", "${fd}"]', '  env: { X: "${files.b}" }', '  cwd: "${dri}"', ''].join('\n');
    expect(checkScenarioText(text, FILE).problems).toEqual([
      expect.objectContaining({ line: 4, col: 29, path: 'client.run[2]', message: '`${fd}` has a value only with `address: pair` (this scenario uses `address: path`)' }),
      expect.objectContaining({ line: 5, col: 13, path: 'client.env.X', message: 'unknown variable `${files.b}`', hint: 'did you mean `${files.a}`?' }),
      expect.objectContaining({ line: 6, col: 8, path: 'client.cwd', message: 'unknown variable `${dri}`', hint: 'did you mean `${dir}`?' }),
    ]);
    const pair = 'name: p\nsocket: { type: stream, address: pair }\nserver: { run: [prog, "${socket}"] }\nclient: { run: [prog, "${fd}"] }\n';
    expect(checkScenarioText(pair, FILE).problems).toEqual([
      expect.objectContaining({ line: 3, col: 23, path: 'server.run[1]', message: '`${socket}` has no value with `address: pair`: there is no socket path' }),
    ]);
  });

  it('a relative step path leading out of the run directory points at the path', () => {
    const text = 'name: b\nsocket: dgram\nclient:\n  steps:\n    - bind: { path: ../../escape.sock }\n    - send: { to: "${dir}/../x.sock", text: hi }\n';
    expect(checkScenarioText(text, FILE).problems).toEqual([
      expect.objectContaining({ line: 5, col: 21, path: 'client.steps[0].bind.path', message: '`../../escape.sock` leads outside the run directory', hint: expect.stringContaining('allowOutsidePaths: true') }),
    ]);
    expect(checkScenarioText(`allowOutsidePaths: true\n${text}`, FILE).problems).toEqual([]);
  });
});
