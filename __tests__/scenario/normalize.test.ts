import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dir, type DirectoryResult } from 'tmp-promise';
import { checkScenarioText, loadScenario, type Scenario } from '../../src/scenario';

// The example of the scenario format in DESIGN.md, as written there.
const DESIGN_EXAMPLE = `name: client hands the server a log file     # required
description: optional text
tags: [fd-passing, smoke]
platforms: [linux, darwin]
timeout: 10s
socket: stream
files:
  log: { content: "line one\\n" }
server:
  steps:
    - listen
    - accept: { expectPeer: { uid: self } }
    - recvFds: { count: 1, expect: [ { sameFileAs: log, content: "line one\\n" } ] }
    - recv: { text: "done" }
    - close
client:
  steps:
    - connect
    - sendFds: { files: [log], data: "F" }
    - send: { text: "done" }
    - close
expect:
  exit: { server: 0, client: 0 }
  leftoverSockets: fail
`;

const FILE = '/scenarios/design.scenario.yaml';
const at = (line: number, col: number) => ({ file: FILE, line, col });
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('normalization', () => {
  it('turns the DESIGN.md example into the expected Scenario', () => {
    const { scenario, problems } = checkScenarioText(DESIGN_EXAMPLE, FILE);
    expect(problems).toEqual([]);
    const expected: Scenario = {
      name: 'client hands the server a log file',
      description: 'optional text',
      tags: ['fd-passing', 'smoke'],
      platforms: ['linux', 'darwin'],
      timeoutMs: 10_000,
      socket: { type: 'stream', address: 'path' },
      files: { log: { bytes: Buffer.from('line one\n') } },
      server: {
        kind: 'steps',
        steps: [
          { step: 'listen', backlog: 128, index: 0, pos: at(11, 7) },
          { step: 'accept', expectPeer: { uid: 'self' }, index: 1, pos: at(12, 7) },
          { step: 'recvFds', count: 1, expect: [{ sameFileAs: 'log', content: 'line one\n' }], index: 2, pos: at(13, 7) },
          { step: 'recv', payload: { kind: 'bytes', base64: b64('done'), source: 'text' }, index: 3, pos: at(14, 7) },
          { step: 'close', unlink: true, index: 4, pos: at(15, 7) },
        ],
        env: {},
        ready: { kind: 'event', event: 'listen' },
        pos: at(9, 1),
      },
      clients: {
        kind: 'steps',
        steps: [
          { step: 'connect', index: 0, pos: at(18, 7) },
          { step: 'sendFds', files: ['log'], data: 'F', index: 1, pos: at(19, 7) },
          { step: 'send', payload: { kind: 'bytes', base64: b64('done'), source: 'text' }, index: 2, pos: at(20, 7) },
          { step: 'close', unlink: true, index: 3, pos: at(21, 7) },
        ],
        env: {},
        ready: { kind: 'none' },
        pos: at(16, 1),
        count: 1,
        single: true,
      },
      expect: { exit: { server: { code: 0 }, client: { code: 0 } }, stdout: {}, stderr: {}, leftoverSockets: 'fail', fdLeaks: 'fail', unreadData: 'fail' },
      file: FILE,
      baseDir: '/scenarios',
    };
    expect(scenario).toStrictEqual(expected);
  });

  it('fills the defaults', () => {
    const { scenario } = checkScenarioText('name: minimal\nserver: { run: [./srv] }\nclients: { count: 3, steps: [connect] }\n', FILE);
    expect(scenario).toMatchObject({
      tags: [],
      platforms: ['linux', 'darwin'],
      timeoutMs: 30_000,
      socket: { type: 'stream', address: 'path' },
      files: {},
      server: { kind: 'run', argv: ['./srv'], env: {}, ready: { kind: 'socket' } },
      clients: { kind: 'steps', count: 3, single: false, ready: { kind: 'none' } },
      expect: { exit: {}, stdout: {}, stderr: {}, leftoverSockets: 'fail', fdLeaks: 'fail' },
    });
  });

  it('normalizes socket, payload and step shorthands', () => {
    const { scenario, problems } = checkScenarioText(
      `name: shorthands
socket: dgram
server:
  steps:
    - bind
    - recv: { count: 10, size: "64..128" }
    - sleep: 1.5s
    - sleep: { for: 20 }
    - shutdown: write
    - exit: 3
    - crash: SIGSEGV
    - connect: { expectError: ECONNREFUSED, timeout: 1m }
  ready: { stdout: "^ready$" }
  env: { MODE: fast }
client:
  steps:
    - send: { hex: "00 ff", to: server }
    - send: { base64: aGk= }
    - send: { count: 10, size: 64, pattern: sequence }
    - waitFor: { peer: server, event: bind }
    - recvFds: { expect: [ { mode: 0644 }, { mode: "0600" } ] }
    - sendFds: { pipe: true, socket: { content: hi } }
expect:
  exit: { server: 3, clients: { signal: SIGTERM } }
  within: 2s
`,
      FILE,
    );
    expect(problems).toEqual([]);
    expect(scenario!.socket).toEqual({ type: 'dgram', address: 'path' });
    expect(scenario!.server!.ready).toEqual({ kind: 'stdout', pattern: '^ready$' });
    expect(scenario!.server!.env).toEqual({ MODE: 'fast' });
    const server = scenario!.server as { steps: unknown[] };
    expect(server.steps).toMatchObject([
      { step: 'bind' },
      { step: 'recv', payload: { kind: 'sequence', count: 10, size: { min: 64, max: 128 } } },
      { step: 'sleep', ms: 1500 },
      { step: 'sleep', ms: 20 },
      { step: 'shutdown', how: 'write' },
      { step: 'exit', code: 3 },
      { step: 'crash', signal: 'SIGSEGV' },
      { step: 'connect', expectError: 'ECONNREFUSED', timeoutMs: 60_000 },
    ]);
    const client = scenario!.clients as { steps: unknown[] };
    expect(client.steps).toMatchObject([
      { step: 'send', payload: { kind: 'bytes', base64: Buffer.from([0, 255]).toString('base64'), source: 'hex' }, to: 'server' },
      { step: 'send', payload: { kind: 'bytes', base64: 'aGk=', source: 'base64' } },
      { step: 'send', payload: { kind: 'sequence', count: 10, size: { min: 64, max: 64 } } },
      { step: 'waitFor', peer: 'server', event: 'bind', count: 1 },
      // YAML 1.2 reads `0644` as decimal 644; the loader looks at how it was written.
      { step: 'recvFds', count: 2, expect: [{ mode: 0o644 }, { mode: 0o600 }] },
      { step: 'sendFds', files: [], pipe: { content: '' }, socket: { content: 'hi' }, data: 'F' },
    ]);
    expect(scenario!.expect).toMatchObject({ exit: { server: { code: 3 }, clients: { signal: 'SIGTERM' } }, withinMs: 2000 });
  });

  describe('with real files', () => {
    let tmp: DirectoryResult;
    beforeEach(async () => {
      tmp = await dir({ unsafeCleanup: true });
    });
    afterEach(async () => {
      await tmp.cleanup();
    });

    it('reads `file:` payloads and `files.from` relative to the scenario, and resolves module and cwd', async () => {
      await mkdir(path.join(tmp.path, 'data'));
      await writeFile(path.join(tmp.path, 'data/hello.bin'), Buffer.from([1, 2, 3]));
      await writeFile(path.join(tmp.path, 'data/seed.txt'), 'seed');
      const file = path.join(tmp.path, 'payloads.scenario.yml');
      await writeFile(
        file,
        `name: payloads from files
files:
  seed: { from: data/seed.txt, mode: "0600" }
server: { module: peers/server.ts, cwd: work }
client:
  cwd: \${dir}
  steps: [connect, { send: { file: data/hello.bin } }]
`,
      );
      const scenario = await loadScenario(file);
      expect(scenario.file).toBe(file);
      expect(scenario.baseDir).toBe(tmp.path);
      expect(scenario.files.seed).toEqual({ bytes: Buffer.from('seed'), mode: 0o600 });
      expect(scenario.server).toMatchObject({ kind: 'module', module: path.join(tmp.path, 'peers/server.ts'), cwd: path.join(tmp.path, 'work'), ready: { kind: 'socket' } });
      expect(scenario.clients).toMatchObject({ cwd: '${dir}', steps: [{ step: 'connect' }, { step: 'send', payload: { kind: 'bytes', base64: 'AQID', source: 'file' } }] });
    });

    it('reports a `file:` payload that does not exist at its position, with the errno code', async () => {
      const file = path.join(tmp.path, 'missing.json');
      await writeFile(file, '{\n  "name": "x",\n  "client": { "steps": [ { "send": { "file": "nope.bin" } } ] }\n}\n');
      const error = (await loadScenario(file).catch((e: unknown) => e)) as { problems: unknown[] };
      expect(error.problems).toEqual([
        expect.objectContaining({ line: 3, col: 46, path: 'client.steps[0].send.file', message: expect.stringContaining('cannot read `nope.bin`') }),
      ]);
      expect(JSON.stringify(error.problems)).toContain('ENOENT');
    });
  });
});

describe('stop: the planned stop of a run: peer', () => {
  const FILE = '/scenarios/stop.yaml';
  it('keeps what is written in milliseconds, fills `after` and `signal`, and leaves `grace` to the run', () => {
    const { scenario, problems } = checkScenarioText(
      `name: stops
server:
  run: [./daemon, "\${socket}"]
  stop: { after: 1.5s, signal: SIGINT, grace: 250ms }
client:
  run: [./client]
  stop: {}
`,
      FILE,
    );
    expect(problems).toEqual([]);
    expect(scenario!.server!.stop).toEqual({ afterMs: 1500, signal: 'SIGINT', graceMs: 250, pos: { file: FILE, line: 4, col: 3 } });
    expect(scenario!.clients!.stop).toEqual({ afterMs: 2000, signal: 'SIGTERM', pos: { file: FILE, line: 7, col: 3 } });
  });

  it('is absent when not written: the plan gives a run: server its default (src/plan/stop.ts)', () => {
    const { scenario } = checkScenarioText('name: x\nserver:\n  run: [./daemon]\nclient:\n  run: [./client]\n', FILE);
    expect(scenario!.server!.stop).toBeUndefined();
    expect(scenario!.clients!.stop).toBeUndefined();
  });
});
