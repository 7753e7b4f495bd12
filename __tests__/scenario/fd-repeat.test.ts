// `repeat` on sendFds / recvFds (bulk descriptor passing): what the loader accepts, the normalized
// steps it returns, and the problems it reports, each at the key that caused it.
import path from 'node:path';
import { checkScenarioText, scenarioJsonSchema, type Problem, type Step } from '../../src/scenario';

const FILE = path.join(__dirname, 'fd-repeat.scenario.yaml');

function scenarioWith(server: string, client: string): string {
  return `name: bulk descriptors
files:
  log: { content: "x" }
server:
  steps:
    - listen
    - accept
    - ${server}
client:
  steps:
    - connect
    - ${client}
`;
}

function stepsOf(server: string, client: string): { server: Step; client: Step } {
  const { scenario, problems } = checkScenarioText(scenarioWith(server, client), FILE);
  expect(problems).toEqual([]);
  if (scenario?.server?.kind !== 'steps' || scenario.clients?.kind !== 'steps') throw new Error('expected scripted peers');
  return { server: scenario.server.steps[2]!, client: scenario.clients.steps[1]! };
}

function problemsOf(server: string, client: string): Problem[] {
  return checkScenarioText(scenarioWith(server, client), FILE).problems;
}

describe('recvFds / sendFds `repeat`', () => {
  it('is kept on both steps, with the rest normalized as ever', () => {
    const { server, client } = stepsOf(
      'recvFds: { count: 1, repeat: 100000, expect: [ { sameFileAs: log, type: file, mode: "0640" } ] }',
      'sendFds: { files: [log], repeat: 100000 }',
    );
    expect(server).toMatchObject({ step: 'recvFds', count: 1, repeat: 100000, expect: [{ sameFileAs: 'log', type: 'file', mode: 0o640 }] });
    expect(client).toMatchObject({ step: 'sendFds', files: ['log'], data: 'F', repeat: 100000 });
  });

  it('takes room and truncated with repeat', () => {
    const { server } = stepsOf('recvFds: { count: 3, room: 1, truncated: true, repeat: 50 }', 'sendFds: { files: [log, log, log], repeat: 50 }');
    expect(server).toMatchObject({ step: 'recvFds', count: 3, room: 1, truncated: true, repeat: 50 });
  });

  it('is absent when not written: one message, as before', () => {
    const { server, client } = stepsOf('recvFds: { expect: [ { sameFileAs: log, content: "x" } ] }', 'sendFds: { files: [log] }');
    expect(server).not.toHaveProperty('repeat');
    expect(client).not.toHaveProperty('repeat');
  });

  it('accepts the limit, 10 000 000', () => {
    const { server, client } = stepsOf('recvFds: { repeat: 10000000 }', 'sendFds: { files: [log], repeat: 10000000 }');
    expect(server).toMatchObject({ repeat: 10_000_000 });
    expect(client).toMatchObject({ repeat: 10_000_000 });
  });

  it.each([
    ['0', 'recvFds: { repeat: 0 }', '`repeat` must be at least 1, got `0`'],
    ['above the limit', 'recvFds: { repeat: 10000001 }', '`repeat` must be at most 10000000, got `10000001`'],
    ['a fraction', 'recvFds: { repeat: 1.5 }', '`repeat` must be a whole number, got `1.5`'],
    ['text', 'recvFds: { repeat: many }', '`repeat` must be a whole number, got `many`'],
  ])('rejects %s on recvFds, at the key', (_name, server, message) => {
    const problems = problemsOf(server, 'sendFds: { files: [log] }');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'server.steps[2].recvFds.repeat', line: 8, col: 26, message });
  });

  it('rejects a repeat above the limit on sendFds, at the key', () => {
    const problems = problemsOf('recvFds', 'sendFds: { files: [log], repeat: 10000001 }');
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'client.steps[1].sendFds.repeat', line: 12 });
  });

  it('rejects `content` in bulk mode, naming what to check instead', () => {
    const problems = problemsOf('recvFds: { repeat: 10, expect: [ { sameFileAs: log, content: "x" } ] }', 'sendFds: { files: [log], repeat: 10 }');
    expect(problems).toEqual([
      expect.objectContaining({
        path: 'server.steps[2].recvFds.expect[0].content',
        line: 8,
        message: '`content` cannot be checked in bulk mode (`repeat`)',
        hint: 'check `sameFileAs`, `type` or `mode` instead, or read the content in a separate `recvFds` without `repeat`',
      }),
    ]);
  });

  it('still checks the file names a bulk step refers to', () => {
    const problems = problemsOf('recvFds: { repeat: 10, expect: [ { sameFileAs: lgo } ] }', 'sendFds: { files: [logg], repeat: 10 }');
    expect(problems.map((p) => [p.path, p.hint])).toEqual([
      ['server.steps[2].recvFds.expect[0].sameFileAs', 'did you mean `log`?'],
      ['client.steps[1].sendFds.files[0]', 'did you mean `log`?'],
    ]);
  });

  it('is described in the JSON Schema, with its limit', () => {
    const definitions = scenarioJsonSchema.definitions as Record<string, { properties: Record<string, { maximum: number; minimum: number; description: string }> }>;
    for (const step of ['step_sendFds', 'step_recvFds']) {
      const repeat = definitions[step]!.properties.repeat!;
      expect(repeat).toMatchObject({ type: 'integer', minimum: 1, maximum: 10_000_000 });
      expect(repeat.description).toMatch(/^Bulk mode: /);
    }
  });
});
