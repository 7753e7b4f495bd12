// Oversized and hostile values, each refused with a positioned problem that names the limit.
import { checkScenarioText, ScenarioError } from '../../src/scenario';

const FILE = '/scenarios/limits.yaml';
const STACK_LINE = /\n\s+at .+:\d+(:\d+)?\)?/;

const cases: Array<[string, string, string, string | RegExp]> = [
  ['too many clients', 'name: a\nclients: { count: 1001, steps: [connect] }\n', 'clients.count', '`count` must be at most 1000, got `1001`'],
  ['a stream count beyond the limit', 'name: a\nclient: { steps: [ { send: { count: 100000001, size: 8 } } ] }\n', 'client.steps[0].send.count', '`count` must be at most 100000000, got `100000001`'],
  ['a message size beyond 16 MiB', 'name: a\nclient: { steps: [ { send: { count: 10, size: 16777217 } } ] }\n', 'client.steps[0].send.size', '`size` must be at most 16777216, got `16777217`'],
  ['more descriptors than one message carries', 'name: a\nclient: { steps: [ { recvFds: { count: 254 } } ] }\n', 'client.steps[0].recvFds.count', '`count` must be at most 253, got `254`'],
  ['a timeout Node timers cannot hold', 'name: a\ntimeout: 2147483648\nclient: { steps: [connect] }\n', 'timeout', /at most 2147483647 ms/],
  ['a 2 MB text', `name: a\nclient: { steps: [ { send: { text: "${'x'.repeat(2 * 1024 * 1024)}" } } ] }\n`, 'client.steps[0].send.text', /at most 1048576 \(1 MiB\)/],
  ['a NUL in a path', 'name: a\nfiles: { f: { from: "a\\0b" } }\nclient: { steps: [exit] }\n', 'files.f.from', 'a path cannot contain a NUL byte'],
  ['deeply nested YAML', `name: a\nx: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, '', /nest deeper than 100 levels/],
  [
    'aliases that expand exponentially',
    ['name: a', 'a: &a [x, x, x, x, x, x, x, x, x, x]', 'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', 'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', 'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]', 'e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]', ''].join('\n'),
    '',
    /aliases in this file expand to too much data/,
  ],
];

describe('oversized and hostile values', () => {
  it.each(cases)('%s', (_title, text, at, message) => {
    // no timing asserted: a loader that hung or went quadratic would outlive the test's timeout
    const { scenario, problems } = checkScenarioText(text, FILE);
    expect(scenario).toBeUndefined();
    const problem = problems.find((p) => p.path === at);
    expect(problem).toBeDefined();
    expect(problem!.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
    expect(problem!.line).toBeGreaterThanOrEqual(1);
    expect(problem!.col).toBeGreaterThanOrEqual(1);
    expect(new ScenarioError(problems, { file: FILE }).format()).not.toMatch(STACK_LINE);
  });
});
