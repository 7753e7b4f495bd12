import { defineScenario, normalizeScenario, ScenarioError, type Problem } from '../../src/scenario';

const origin = { baseDir: '/work/scenarios' };

function problemsOf(input: unknown): Problem[] {
  try {
    normalizeScenario(input, origin);
  } catch (error) {
    if (error instanceof ScenarioError) return error.problems;
    throw error;
  }
  throw new Error('expected the scenario to be rejected');
}

describe('inline scenarios (defineScenario + normalizeScenario)', () => {
  it('defineScenario returns its input unchanged', () => {
    const input = { name: 'inline', server: { steps: ['listen' as const] } };
    expect(defineScenario(input)).toBe(input);
  });

  it('normalizes a typed inline scenario, with no file and no positions', () => {
    const scenario = normalizeScenario(
      defineScenario({ name: 'inline', server: { steps: ['listen', 'accept'] }, client: { steps: ['connect', { send: { text: 'hi' } }] } }),
      origin,
    );
    expect(scenario.file).toBeUndefined();
    expect(scenario.baseDir).toBe('/work/scenarios');
    expect(scenario.server).toMatchObject({ kind: 'steps', steps: [{ step: 'listen', index: 0 }, { step: 'accept', index: 1 }] });
    expect((scenario.server as { steps: Array<{ pos?: unknown }> }).steps[0]!.pos).toBeUndefined();
  });

  it('names the JSON path of every problem, without positions', () => {
    const problems = problemsOf({
      name: 'inline',
      timeout: 'soon',
      server: { steps: ['listen', 'accept', { send: { txt: 'x' } }] },
      client: { steps: [{ waitFor: { peer: 'srv', event: 'listen' } }] },
    });
    expect(problems.map(({ path, message }) => ({ path, message }))).toEqual([
      { path: 'client.steps[0].waitFor.peer', message: 'no peer is called `srv`' },
      { path: 'server.steps[2].send', message: '`send` needs a payload: `text`, `hex`, `base64`, `file`, or `count` with `size`' },
      { path: 'server.steps[2].send.txt', message: 'unknown key `txt` in `send`' },
      { path: 'timeout', message: '`timeout` must be a duration like `500ms` or `2s`, got `soon`' },
    ]);
    for (const problem of problems) expect(problem).not.toHaveProperty('line');
    const error = (() => {
      try {
        normalizeScenario({ name: 'x', timeout: 'soon', server: { steps: ['listen'] } }, origin);
      } catch (e) {
        return e as ScenarioError;
      }
      return undefined;
    })();
    expect(error!.format()).toBe('`timeout` must be a duration like `500ms` or `2s`, got `soon` (at `timeout`)');
  });

  it('refuses expectPeer.pid naming no peer (it would wait for an identity that never comes)', () => {
    const problems = problemsOf({
      name: 'who',
      server: { steps: ['listen', { accept: { expectPeer: { pid: 'clinet' } } }] },
      clients: { count: 2, steps: [{ connect: { expectPeer: { pid: 'server' } } }, { connect: { expectPeer: { pid: 'client-3' } } }] },
    });
    expect(problems.map(({ path, message, hint }) => ({ path, message, hint }))).toEqual([
      { path: 'clients.steps[1].connect.expectPeer.pid', message: 'no peer is called `client-3`', hint: 'did you mean `client-1`?' },
      { path: 'server.steps[1].accept.expectPeer.pid', message: 'no peer is called `clinet`', hint: expect.any(String) },
    ]);
  });

  it('checks names, limits and combinations a schema cannot express', () => {
    const problems = problemsOf({
      name: 'limits',
      files: { 'a/b': { content: 'x' }, log: { content: 'x', hex: '00' } },
      server: { steps: ['listen', { send: { text: 'x'.repeat(1024 * 1024 + 1) } }, { send: { text: 'a', hex: '00' } }], run: ['x'] },
      clients: { count: 1001, steps: [{ send: { count: 100_000_001, size: 64 } }, { connect: { expectError: 'ECONNREFUSD' } }] },
      client: { steps: ['connect'] },
      expect: { exit: { srever: 0 } },
    });
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p]));
    expect(byPath['files["a/b"]']).toMatchObject({ message: '`a/b` cannot be a file name' });
    expect(byPath['files.log.hex']!.message).toContain('found `content` and `hex`');
    expect(byPath['server.steps[1].send.text']!.message).toBe('`text` holds 1048577 bytes; text written in a scenario may hold at most 1048576 (1 MiB)');
    expect(byPath['server.steps[2].send.hex']!.message).toContain('found `text` and `hex`');
    expect(byPath['server.run']!.message).toContain('has both `steps` and `run`');
    expect(byPath['clients.count']!.message).toBe('`count` must be at most 1000, got `1001`');
    expect(byPath['clients.steps[0].send.count']!.message).toBe('`count` must be at most 100000000, got `100000001`');
    expect(byPath['clients']!.message).toBe('write either `client` (one) or `clients` (several), not both');
    expect(byPath['expect.exit.srever']).toMatchObject({ message: 'no peer is called `srever`', hint: 'did you mean `server`?' });
  });

  it('hints the closest errno name', () => {
    const [problem] = problemsOf({ name: 'e', client: { steps: [{ connect: { expectError: 'ECONNREFUSD' } }] } });
    expect(problem).toMatchObject({ path: 'client.steps[0].connect.expectError', message: `\`ECONNREFUSD\` is not an errno code on ${process.platform}`, hint: 'did you mean `ECONNREFUSED`?' });
  });

  it('says what a step misplaced under another step is', () => {
    const [problem] = problemsOf({ name: 's', client: { steps: [{ send: null, text: 'hi' }] } }).filter((p) => p.path.endsWith('.text'));
    expect(problem).toMatchObject({ message: '`text` is not a step; it is an option of `send`', hint: 'indent it under `send:`, or write `- send: { text: ... }`' });
  });

  it('rejects a step written with two names', () => {
    const problems = problemsOf({ name: 's', server: { steps: [{ listen: null, accept: null }] } });
    expect(problems).toEqual([expect.objectContaining({ path: 'server.steps[0]', message: 'a step has exactly one name, found `listen` and `accept`' })]);
  });

  it('rejects a scenario with no peers and a value that is not a scenario', () => {
    expect(problemsOf({ name: 'lonely' })).toEqual([expect.objectContaining({ path: '', message: 'a scenario needs at least one peer: `server`, `client` or `clients`' })]);
    expect(problemsOf('name: x')).toEqual([expect.objectContaining({ path: '', message: 'a scenario is a map with `name` and its peers, got `name: x`' })]);
    expect(problemsOf(null)).toEqual([expect.objectContaining({ message: 'no scenario given' })]);
  });
});
