// `proxy:` in a run: clients get the proxy's path, each connection is attributed to the client
// that made it (also one that has exited since), datagrams are mapped both ways, and the run
// leaves nothing: the proxy's socket and per-client paths are gone before leftovers are listed.
import { runScenario } from '../../src';

it('three scripted clients: each connection and message is named after the client that made it', async () => {
  const result = await runScenario({
    name: 'three clients through the proxy',
    proxy: true,
    server: { steps: ['listen', 'accept', 'accept', 'accept', { recv: { text: 'x' } }, 'close'] },
    clients: { count: 3, steps: ['connect', { send: { text: 'x' } }, 'close'] },
    expect: { unreadData: 'ignore' },
  });
  expect(result.failures).toEqual([]);
  const proxied = result.timeline.filter((e) => e.peer === 'proxy');
  expect(proxied.filter((e) => e.ev === 'proxy-open').map((e) => e.client).sort()).toEqual(['client-1', 'client-2', 'client-3']);
  for (const data of proxied.filter((e) => e.ev === 'proxy-data')) expect(data).toMatchObject({ via: 'proxy', receiver: 'server', sender: expect.stringMatching(/^client-[123]$/), preview: 'x', bytes: 1 });
  expect(proxied.at(-1)).toMatchObject({ ev: 'proxy-stopped', seed: expect.any(Number), stats: { connections: 3, fds: { leaked: 0 } } });
}, 60_000);

it('datagrams: the server sees the proxy, a duplicated datagram arrives twice, and the fault is on the timeline', async () => {
  const result = await runScenario({
    name: 'datagrams through the proxy',
    socket: 'dgram',
    proxy: { seed: 9, toServer: { duplicate: { message: 1 } } },
    server: { steps: ['bind', { recv: { text: 'ping' } }, { recv: { text: 'ping' } }, 'close'] },
    client: { steps: ['bind', { send: { text: 'ping' } }, 'close'] },
  });
  expect(result.failures).toEqual([]);
  expect(result.timeline.find((e) => e.ev === 'proxy-fault')).toMatchObject({ fault: 'duplicate', message: 1, sender: 'client', receiver: 'server' });
  expect(result.timeline.find((e) => e.ev === 'proxy-start')).toMatchObject({ seed: 9 });
}, 60_000);
