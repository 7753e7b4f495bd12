// The proxy's records (the run's timeline and the --capture file): events in the scenario's terms,
// and faults written back in the form users write them, which reads back to the same faults.
import { proxyRecord, proxyStartRecord } from '../../src/proxy';
import { describeProxyEvent, toProxyEvent } from '../../src/proxy/events';
import { faultForm } from '../../src/proxy/fault-form';
import { normalizeFaults } from '../../src/scenario/proxy-faults';
import type { ProxyFaultsInput, SocketType } from '../../src/scenario/types';

function normalized(input: ProxyFaultsInput, type: SocketType) {
  const problems: string[] = [];
  const out = normalizeFaults(input, type, ['toServer'], (at, message) => problems.push(`${at.join('.')}: ${message}`));
  expect(problems).toEqual([]);
  return out;
}

test.each<[SocketType, ProxyFaultsInput]>([
  ['stream', { chunk: '1..7', delay: { time: '20ms', jitter: '5ms', when: { message: [2, 3], after: '1s' } }, corrupt: { at: [10, 200] }, reset: { afterBytes: 100 }, stall: { after: 4096, for: '500ms' } }],
  ['stream', { chunk: 1, delay: 20, dropFds: true, truncateFds: { keep: 1, rate: 0.5 } }],
  ['stream', { chunk: '1..3', delay: { time: '20ms', jitter: '5ms', per: 'chunk' } }],
  ['dgram', { drop: { rate: 0.1 }, duplicate: { message: 3, fromByte: 64 }, reorder: true, truncateFds: true, corrupt: { at: 0 } }],
])('%s faults written back read back the same: %j', (type, input) => {
  const once = normalized(input, type);
  const form = faultForm(once);
  expect(normalized(form, type)).toEqual(once);
  expect(JSON.parse(JSON.stringify(form))).toEqual(form); // plain JSON, for a capture line
});

test('the faults as written: sizes, durations and selections in the scenario form', () => {
  expect(faultForm(normalized({ chunk: '3..3', delay: '1s' }, 'stream'))).toEqual({ chunk: 3, delay: '1000ms' });
  expect(faultForm(normalized({ drop: true, reorder: { rate: 0.5 } }, 'dgram'))).toEqual({ drop: true, reorder: { rate: 0.5 } });
  // `per: chunk` kept, `per: message` is the default and left out (as `--delay-per` writes it)
  expect(faultForm(normalized({ chunk: 1, delay: { time: '20ms', per: 'chunk' } }, 'stream'))).toEqual({ chunk: 1, delay: { time: '20ms', per: 'chunk' } });
  expect(faultForm(normalized({ chunk: 1, delay: { time: '20ms', per: 'message' } }, 'stream'))).toEqual({ chunk: 1, delay: '20ms' });
  expect(proxyStartRecord(5, { listen: '/p', connect: '/s', type: 'stream', seed: 9, seeded: true, faults: { toServer: normalized({ chunk: '1..7' }, 'stream'), toClient: {} } })).toEqual({
    t: 5,
    peer: 'proxy',
    ev: 'proxy-start',
    via: 'proxy',
    listen: '/p',
    connect: '/s',
    type: 'stream',
    seed: 9,
    seeded: true,
    faults: { toServer: { chunk: '1..7' }, toClient: {} },
  });
});

test('an event becomes a record: proxy-<kind>, sender and receiver, a datagram client\'s path as address', () => {
  expect(proxyRecord({ t: 1, via: 'proxy', ev: 'data', conn: 2, from: 'server', to: 'client', message: 1, bytes: 3, preview: 'abc' })).toEqual({
    t: 1,
    peer: 'proxy',
    ev: 'proxy-data',
    via: 'proxy',
    sender: 'server',
    receiver: 'client',
    conn: 2,
    message: 1,
    bytes: 3,
    preview: 'abc',
  });
  expect(proxyRecord({ t: 1, via: 'proxy', ev: 'open', conn: 1, client: '/run/c.sock', seenAs: '/run/.udsproxy-x/c1' }, { client: 'client-2' })).toEqual({
    t: 1,
    peer: 'proxy',
    ev: 'proxy-open',
    via: 'proxy',
    conn: 1,
    address: '/run/c.sock',
    seenAs: '/run/.udsproxy-x/c1',
    client: 'client-2',
  });
  expect(proxyRecord({ t: 1, via: 'proxy', ev: 'fault', conn: 1, from: 'client', to: 'server', fault: 'drop' }, { name: (side) => (side === 'client' ? 'client-1' : side) })).toMatchObject({ sender: 'client-1', receiver: 'server' });
});

test('a stream send that stopped part-way: the error record names the message and the bytes that went on, as the capture line does', () => {
  const event = toProxyEvent({ t: 7, ev: 'error', conn: 1, dir: 'c2s', message: 1, bytes: 8, delivered: 1, errno: -32, detail: 'sendmsg' });
  expect(proxyRecord(event)).toEqual({ t: 7, peer: 'proxy', ev: 'proxy-error', via: 'proxy', sender: 'client', receiver: 'server', conn: 1, message: 1, bytes: 8, code: 'EPIPE', delivered: 1, detail: 'sendmsg' });
  expect(describeProxyEvent(event)).toBe('! #1 client→server error EPIPE in sendmsg: msg 1, 1 of 8 bytes delivered');
  // an error that is not a message's send (a read) carries none of it
  expect(proxyRecord(toProxyEvent({ t: 8, ev: 'error', conn: 1, dir: 's2c', errno: -32, detail: 'recvmsg' }))).not.toHaveProperty('delivered');
});
