// `proxy:` in a scenario: what it normalizes to, and every refusal at file:line:col with what to
// write instead (credentials through a proxy would name the harness, never pass wrongly).
import path from 'node:path';

import { checkScenarioText } from '../../src/scenario';

const file = path.join(__dirname, 'proxy.scenario.yaml');
const check = (text: string) => checkScenarioText(text, file);

const base = `name: through a proxy
server:
  steps: [listen, accept, close]
client:
  steps: [connect, close]
`;

it('`proxy: true` forwards without faults and captures; faults normalize per direction', () => {
  expect(check(base + 'proxy: true\n').scenario?.proxy).toEqual({ capture: true, toServer: {}, toClient: {} });
  const faulty = check(base + 'proxy:\n  seed: 42\n  capture: false\n  toServer: { chunk: 1..7, delay: { time: 20ms, jitter: 5ms }, corrupt: { at: [3, 9] } }\n  toClient: { reset: { afterBytes: 100 }, stall: { after: 10, for: 1s }, truncateFds: { keep: 1, message: 2 } }\n');
  expect(faulty.problems).toEqual([]);
  expect(faulty.scenario?.proxy).toEqual({
    seed: 42,
    capture: false,
    toServer: { chunkMin: 1, chunkMax: 7, delayMs: 20, jitterMs: 5, corruptAt: [3, 9] },
    toClient: { resetAfterBytes: 100, stallAfterBytes: 10, stallForMs: 1000, truncateFds: { messages: [2] }, truncateKeep: 1 },
  });
});

it('refuses expectPeer and a server `from: <peer>` through a proxy, pointing at each', () => {
  const text = `name: credentials through a proxy
proxy: true
server:
  steps:
    - listen
    - accept: { expectPeer: { pid: client } }
    - recv: { text: hi, from: client }
    - close
client:
  steps:
    - connect: { expectPeer: { uid: self } }
    - send: { text: hi }
    - close
`;
  expect(check(text).problems).toEqual([
    expect.objectContaining({ path: 'server.steps[1].accept.expectPeer', line: 6, message: expect.stringContaining("the process at the other end of every connection is the harness's proxy, not the client"), hint: expect.stringContaining('remove `expectPeer`') }),
    expect.objectContaining({ path: 'server.steps[2].recv.from', line: 7, message: expect.stringContaining('cannot tell peers apart through `proxy:`') }),
    expect.objectContaining({ path: 'client.steps[0].connect.expectPeer', line: 11, message: expect.stringContaining('not the server') }),
  ]);
});

it('refuses a server `to: <client>` through a datagram proxy (it would go around the proxy), not a reply to the last sender', () => {
  const text = `name: replies through a proxy
socket: dgram
proxy: true
server:
  steps:
    - listen
    - recv: { text: hi }
    - send: { text: one, to: client }
    - send: { text: two }
    - close
client:
  steps:
    - bind
    - send: { text: hi }
    - recv: { text: two }
    - close
`;
  expect(check(text).problems).toEqual([
    expect.objectContaining({ path: 'server.steps[2].send.to', line: 8, message: expect.stringContaining('would go around `proxy:`'), hint: expect.stringContaining('drop `to:`') }),
  ]);
});

it('refuses faults the socket type cannot have, and a proxy without a path to stand in front of', () => {
  const stream = check(base + 'proxy:\n  toServer: { drop: { message: 2 } }\n');
  expect(stream.problems).toEqual([expect.objectContaining({ path: 'proxy.toServer.drop', line: 7, message: expect.stringContaining('a stream has none to drop'), hint: expect.stringContaining('use `reset`') })]);
  const dgram = check(base.replace('name: through a proxy', 'name: d\nsocket: dgram') + 'proxy:\n  toClient: { chunk: 2, reset: { afterBytes: 1 } }\n');
  expect(dgram.problems.map((p) => p.path)).toEqual(['proxy.toClient.chunk', 'proxy.toClient.reset']);
  const pair = check(base.replace('name: through a proxy', 'name: p\nsocket: { type: stream, address: pair }') + 'proxy: true\n');
  expect(pair.problems).toEqual([expect.objectContaining({ path: 'proxy', message: expect.stringContaining('`address: pair` has none') })]);
});

it('delay `per: chunk` needs `chunk` in its direction on a stream; an unknown `per` names the values, each at file:line:col', () => {
  const ok = check(base + 'proxy:\n  toServer: { chunk: 1, delay: { time: 20ms, jitter: 5ms, per: chunk } }\n  toClient: { delay: { time: 1ms, per: message } }\n');
  expect(ok.problems).toEqual([]);
  expect(ok.scenario?.proxy).toMatchObject({ toServer: { chunkMin: 1, chunkMax: 1, delayMs: 20, jitterMs: 5, delayPerChunk: true }, toClient: { delayMs: 1 } });
  expect(ok.scenario?.proxy?.toClient.delayPerChunk).toBeUndefined();
  const unchunked = check(base + 'proxy:\n  toServer: { chunk: 1 }\n  toClient:\n    delay: { time: 20ms, per: chunk }\n');
  expect(unchunked.problems).toEqual([
    expect.objectContaining({
      path: 'proxy.toClient.delay.per',
      line: 9,
      col: 31,
      message: '`per: chunk` holds each piece of a `chunk` re-split, and this direction has no `chunk`',
      hint: expect.stringContaining('add `chunk: 1`'),
    }),
  ]);
  const dgram = check(base.replace('name: through a proxy', 'name: d\nsocket: dgram') + 'proxy:\n  toServer: { delay: { time: 20ms, per: chunk } }\n');
  expect(dgram.problems).toEqual([expect.objectContaining({ path: 'proxy.toServer.delay.per', line: 8, message: expect.stringContaining('a dgram socket keeps its message boundaries'), hint: expect.stringContaining('`socket: stream`') })]);
  const unknown = check(base + 'proxy:\n  toServer: { chunk: 1, delay: { time: 20ms, per: piece } }\n');
  expect(unknown.problems).toEqual([expect.objectContaining({ path: 'proxy.toServer.delay.per', line: 7, message: expect.stringMatching(/`message` or `chunk`/) })]);
});

it('schema problems name the fault and the selector', () => {
  const bad = check(base + 'proxy:\n  toServer: { chunck: 1 }\n  toClient: { delay: soon }\n');
  expect(bad.problems.map((p) => p.path)).toEqual(['proxy.toServer.chunck', 'proxy.toClient.delay']);
});

it('a fault the schema found wrong inside is not judged again: a misspelt key is one problem, no missing value reported beside it (found by the loader fuzz)', () => {
  const checked = check(base + 'proxy:\n  toServer: { chunk: 1, delay: {ime: 5ms, per: chunk } }\n');
  expect(checked.problems.map((p) => [p.path, p.message])).toEqual([['proxy.toServer.delay.ime', 'unknown key `ime` in `delay`']]);
});

it('checks every fault of a direction in one round: `drop` on a stream beside a `chunk: 0` the schema refused, each said once', () => {
  const checked = check(base + 'proxy:\n  toServer: { chunk: 0, drop: true, delay: { time: soon } }\n');
  expect(checked.problems.map((p) => [p.path, p.message])).toEqual([
    ['proxy.toServer.chunk', '`chunk` must be at least 1, got `0`'],
    ['proxy.toServer.drop', '`drop` works on messages; a stream has none to drop (it cannot lose bytes)'],
    ['proxy.toServer.delay.time', '`time` must be a duration like `500ms` or `2s`, got `soon`'],
  ]);
});
