import { checkScenarioText, loadScenario, ScenarioError, validateScenarioFile } from '../../src/scenario';
import { MAX_ALIAS_COUNT, MAX_INDENT, MAX_NESTING } from '../../src/scenario/source';

const FILE = '/scenarios/hostile.yaml';

describe('hostile input becomes positioned problems', () => {
  it('deeply nested flow collections', () => {
    const text = `name: deep\nserver: { steps: ${'['.repeat(200_000)}${']'.repeat(200_000)} }\n`;
    const { problems } = checkScenarioText(text, FILE);
    // The `{` of `server` is the first level, so the 100th `[` is one too many.
    expect(problems).toEqual([expect.objectContaining({ line: 2, col: 17 + MAX_NESTING, message: `lists and maps nest deeper than ${MAX_NESTING} levels` })]);
  });

  // Each of these broke the YAML composer's stack (measured: from about 850 levels with Node 20's
  // default stack) and was shown as "Maximum call stack size exceeded" at a position.
  it.each<[string, string, number, number]>([
    ['822 nested `[` in a value', `name: deep\nclient: { steps: [ { send: { text: ${'['.repeat(822)}${']'.repeat(822)} } } ] }\n`, 2, 131],
    ['a 978-deep `- - -` block sequence', `name: deep\nx:\n  ${'- '.repeat(978)}x\n`, 3, 201],
    ['nested `{a: {a: ...}}` flow maps', `name: deep\nx: ${'{a: '.repeat(900)}1${'}'.repeat(900)}\n`, 2, 4 + 4 * (MAX_NESTING - 1)],
    ['nested `- k:` block maps in sequences', `name: deep\nx:\n${Array.from({ length: 120 }, (_, i) => `${' '.repeat(i * 2)}- k:\n`).join('')}`, 52, 101],
  ])('%s: the depth limit, not a stack overflow', (_title, text, line, col) => {
    const { problems } = checkScenarioText(text, FILE);
    expect(problems).toEqual([expect.objectContaining({ line, col, message: `lists and maps nest deeper than ${MAX_NESTING} levels` })]);
  });

  // a11 nests 90 levels, then `*a10` brings in 90 more: the alias is where the limit is crossed.
  it('aliases nested in each other count at their full depth', () => {
    const lines = ['name: deep', `a0: &a0 ${'['.repeat(90)}1${']'.repeat(90)}`];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} ${'['.repeat(90)}*a${i - 1}${']'.repeat(90)}`);
    const { problems } = checkScenarioText(lines.join('\n') + '\n', FILE);
    expect(problems).toEqual([expect.objectContaining({ line: 13, col: 101, message: `lists and maps nest deeper than ${MAX_NESTING} levels once the alias \`*a10\` is expanded` })]);
  });

  it('brackets inside quotes are text, not nesting', () => {
    const { problems } = checkScenarioText(`name: q\nclient: { steps: [ { send: { text: "${'['.repeat(500)}" } } ] }\n`, FILE);
    expect(problems).toEqual([]);
  });

  it('deeply nested block mappings', () => {
    let text = 'name: deep\nserver:\n';
    for (let i = 1; i < 2000; i++) text += `${' '.repeat(i)}k:\n`;
    expect(checkScenarioText(text, FILE).problems).toEqual([
      expect.objectContaining({ line: 3 + MAX_INDENT, col: MAX_INDENT + 1, message: `a line is indented more than ${MAX_INDENT} columns` }),
    ]);
    let nested = 'name: deep\nserver:\n';
    for (let i = 1; i <= MAX_INDENT; i++) nested += `${' '.repeat(i)}k:\n`;
    expect(checkScenarioText(nested, FILE).problems).toEqual([expect.objectContaining({ line: 2 + MAX_NESTING, col: MAX_NESTING + 1, message: `lists and maps nest deeper than ${MAX_NESTING} levels` })]);
    let fine = 'name: deep\nserver:\n';
    for (let i = 1; i < MAX_NESTING - 1; i++) fine += `${' '.repeat(i)}k:\n`;
    expect(checkScenarioText(fine, FILE).problems).toContainEqual(expect.objectContaining({ line: 3, col: 2, path: 'server.k', message: 'unknown key `k` in `server`' }));
  });

  it('an alias bomb', () => {
    const text = [
      'name: bomb',
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
      'f: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
    ].join('\n');
    const { problems } = checkScenarioText(text, FILE);
    expect(problems).toEqual([expect.objectContaining({ line: 3, col: 8, message: `the aliases in this file expand to too much data (more than ${MAX_ALIAS_COUNT} alias uses)` })]);
  });

  it('a 2 MB text names the 1 MiB limit', () => {
    const text = `name: big\nclient:\n  steps:\n    - send: { text: "${'x'.repeat(2 * 1024 * 1024)}" }\n`;
    const { problems } = checkScenarioText(text, FILE);
    expect(problems).toEqual([
      expect.objectContaining({ line: 4, col: 21, path: 'client.steps[0].send.text', message: expect.stringContaining('at most 1048576 (1 MiB)') }),
    ]);
    // The excerpt stays readable: a window around the column, not the whole line.
    const formatted = new ScenarioError(problems).format();
    expect(formatted.split('\n').every((line) => line.length < 200)).toBe(true);
  });

  it('a NUL byte in paths', async () => {
    const { problems } = checkScenarioText('name: nul\nserver: { module: "peer\\0.ts" }\nclient: { steps: [ { send: { file: "a\\0b" } } ] }\n', FILE);
    expect(problems).toEqual([
      expect.objectContaining({ line: 2, col: 19, path: 'server.module', message: 'a path cannot contain a NUL byte' }),
      expect.objectContaining({ line: 3, col: 36, path: 'client.steps[0].send.file', message: 'a path cannot contain a NUL byte' }),
    ]);
    expect(await validateScenarioFile('/tmp/a\0b.yaml')).toEqual([expect.objectContaining({ message: 'a file name cannot contain a NUL byte' })]);
    await expect(loadScenario('/tmp/a\0b.yaml')).rejects.toBeInstanceOf(ScenarioError);
  });

  it('several documents, duplicate keys, tabs, and unknown tags', () => {
    expect(checkScenarioText('name: a\n---\nname: b\n', FILE).problems[0]).toMatchObject({ line: 2, col: 1, message: expect.stringContaining('one YAML document') });
    expect(checkScenarioText('name: a\nname: b\n', FILE).problems[0]).toMatchObject({ line: 2, col: 1, message: 'this key is written twice in the same map' });
    expect(checkScenarioText('name: a\nserver:\n\tsteps: [listen]\n', FILE).problems[0]).toMatchObject({ line: 3, col: 1 });
    expect(checkScenarioText('name: a\n[x, y]: z\n', FILE).problems[0]).toMatchObject({ line: 2, col: 1, message: 'a key must be a name, not a list or map' });
    expect(checkScenarioText('name: !!binary aGk=\nserver: { steps: [listen] }\n', FILE).problems[0]).toMatchObject({ line: 1, col: 7 });
  });

  it('an empty file, a scalar file, and a list file', () => {
    expect(checkScenarioText('', FILE).problems).toEqual([expect.objectContaining({ line: 1, col: 1, message: 'the file is empty' })]);
    expect(checkScenarioText('# only a comment\n', FILE).problems).toEqual([expect.objectContaining({ message: 'the file is empty' })]);
    expect(checkScenarioText('hello\n', FILE).problems).toEqual([expect.objectContaining({ line: 1, col: 1, message: 'a scenario is a map with `name` and its peers, got `hello`' })]);
    expect(checkScenarioText('- a\n- b\n', FILE).problems).toEqual([expect.objectContaining({ line: 1, col: 1, message: 'a scenario is a map with `name` and its peers, got a list' })]);
  });
});
