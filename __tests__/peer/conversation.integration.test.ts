// Scripted peers talking to each other over real sockets, events relayed as the harness does.
import fs from 'node:fs';
import { UnixSocket } from '../../src/socket';
import { inWorld, itLinux, SUCCEEDED, text } from './helpers';

describe('scripted peer conversations', () => {
  it('echoes over a stream socket, checks peer credentials by peer name, and unlinks its socket', async () => {
    await inWorld(async (world) => {
      const [server, client] = world.startRelayed([
        {
          id: 'server',
          steps: [
            { step: 'listen', backlog: 8 },
            { step: 'accept', expectPeer: { uid: 'self', gid: 'self', pid: 'client' } },
            { step: 'recv', payload: text('hello') },
            { step: 'send', payload: text('hello') },
            { step: 'recv', eof: true },
            { step: 'close', unlink: true },
          ],
        },
        {
          id: 'client',
          steps: [
            { step: 'waitFor', peer: 'server', event: 'listen', count: 1 },
            { step: 'connect', expectPeer: { pid: 'server' } },
            { step: 'send', payload: text('hel') },
            { step: 'send', payload: text('lo') },
            { step: 'recv', payload: text('hello') },
            { step: 'shutdown', how: 'write' },
            { step: 'close', unlink: true },
          ],
        },
      ]);
      expect(await server!.outcome()).toEqual(SUCCEEDED);
      expect(await client!.outcome()).toEqual(SUCCEEDED);
      const accepted = server!.named('accept')[0]!;
      expect(accepted.credentials).toEqual({ pid: client!.child.pid, uid: process.getuid!(), gid: process.getgid!() });
      expect(server!.named('recv').map((e) => e.bytes)).toEqual([5, undefined]);
      expect(server!.named('recv')[1]!.eof).toBe(true);
      expect(server!.named('close')[0]!.unlinked).toEqual([world.socketPath]);
      expect(server!.events.map((e) => e.ev)).toEqual(['start', 'listen', 'accept', 'recv', 'send', 'recv', 'close', 'done']);
      expect(server!.named('send')[0]!.step).toBe(3);
      expect(fs.existsSync(world.socketPath)).toBe(false);
    });
  });

  it('answers a bound datagram client at the address its datagram came from', async () => {
    await inWorld(async (world) => {
      const clientPath = `${world.dir}/c.sock`;
      const [server, client] = world.startRelayed(
        [
          {
            id: 'server',
            steps: [
              { step: 'listen', backlog: 0 },
              { step: 'recv', payload: text('ping'), from: 'client' },
              { step: 'send', payload: text('pong') },
              { step: 'close', unlink: true },
            ],
            peerPaths: { client: clientPath },
          },
          {
            id: 'client',
            ownPath: clientPath,
            steps: [
              { step: 'waitFor', peer: 'server', event: 'listen', count: 1 },
              { step: 'bind' },
              { step: 'send', payload: text('ping') },
              { step: 'recv', payload: text('pong'), from: 'server' },
              { step: 'close', unlink: true },
            ],
          },
        ],
        'dgram',
      );
      expect(await server!.outcome()).toEqual(SUCCEEDED);
      expect(await client!.outcome()).toEqual(SUCCEEDED);
      expect(server!.named('recv')[0]).toMatchObject({ bytes: 4, from: clientPath, fromPeer: 'client' });
      expect(server!.named('send')[0]).toMatchObject({ bytes: 4, to: clientPath, toPeer: 'client' });
      expect(client!.named('send')[0]).toMatchObject({ to: world.socketPath, toPeer: 'server' });
      expect(world.leftovers()).toEqual([]);
    });
  });

  itLinux('keeps message boundaries on a seqpacket socket (Linux only: macOS has no AF_UNIX SOCK_SEQPACKET)', async () => {
    await inWorld(async (world) => {
      const [server, client] = world.startRelayed(
        [
          {
            id: 'server',
            steps: [
              { step: 'listen', backlog: 8 },
              { step: 'accept' },
              { step: 'recv', payload: text('a') },
              { step: 'recv', payload: text('bc') },
              { step: 'send', payload: text('done') },
              { step: 'close', unlink: true },
            ],
          },
          {
            id: 'client',
            steps: [
              { step: 'waitFor', peer: 'server', event: 'listen', count: 1 },
              { step: 'connect' },
              { step: 'send', payload: text('a') },
              { step: 'send', payload: text('bc') },
              { step: 'recv', payload: text('done') },
              { step: 'recv', eof: true },
            ],
          },
        ],
        'seqpacket',
      );
      expect(await server!.outcome()).toEqual(SUCCEEDED);
      expect(await client!.outcome()).toEqual(SUCCEEDED);
      expect(server!.named('recv').map((e) => e.bytes)).toEqual([1, 2]);
    });
  });

  it('passes sequence traffic over a stream socket with no loss, duplication, reordering or corruption', async () => {
    await inWorld(async (world) => {
      const sequence = { kind: 'sequence' as const, count: 3000, size: { min: 20, max: 300 } };
      const [server, client] = world.startRelayed([
        { id: 'server', steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, { step: 'recv', payload: sequence }] },
        {
          id: 'client',
          steps: [
            { step: 'waitFor', peer: 'server', event: 'listen', count: 1 },
            { step: 'connect' },
            { step: 'send', payload: sequence },
          ],
        },
      ]);
      expect(await server!.outcome()).toEqual(SUCCEEDED);
      expect(await client!.outcome()).toEqual(SUCCEEDED);
      expect(server!.named('traffic')).toEqual([
        expect.objectContaining({ role: 'receiver', count: 3000, received: 3000, lost: 0, duplicated: 0, reordered: 0, corrupt: 0, anomalies: [], senders: { client: 3000 } }),
      ]);
      expect(client!.named('traffic')).toEqual([expect.objectContaining({ role: 'sender', count: 3000, sent: 3000 })]);
    });
  });

  it('passes sequence traffic as datagrams, one message per datagram', async () => {
    await inWorld(async (world) => {
      const sequence = { kind: 'sequence' as const, count: 2000, size: { min: 20, max: 1000 } };
      const [server, client] = world.startRelayed(
        [
          { id: 'server', steps: [{ step: 'listen', backlog: 0 }, { step: 'recv', payload: sequence }] },
          {
            id: 'client',
            steps: [
              { step: 'waitFor', peer: 'server', event: 'listen', count: 1 },
              { step: 'connect' },
              { step: 'send', payload: sequence },
            ],
          },
        ],
        'dgram',
      );
      expect(await server!.outcome()).toEqual(SUCCEEDED);
      expect(await client!.outcome()).toEqual(SUCCEEDED);
      expect(server!.named('traffic')[0]).toMatchObject({ received: 2000, lost: 0, duplicated: 0, reordered: 0, corrupt: 0 });
      expect(world.leftovers()).toEqual([]);
    });
  });

  itLinux('talks over an abstract address (Linux only: macOS has no abstract namespace)', async () => {
    await inWorld(async (world) => {
      const socket = { address: 'abstract' as const, path: `uds-fixture-test-${process.pid}` };
      const [server, client] = world.startRelayed([
        { id: 'server', socket, steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, { step: 'recv', payload: text('hi') }] },
        { id: 'client', socket, steps: [{ step: 'waitFor', peer: 'server', event: 'listen', count: 1 }, { step: 'connect' }, { step: 'send', payload: text('hi') }] },
      ]);
      expect(await server!.outcome()).toEqual(SUCCEEDED);
      expect(await client!.outcome()).toEqual(SUCCEEDED);
      expect(server!.named('listen')[0]).toMatchObject({ address: `@uds-fixture-test-${process.pid}` });
      expect(world.leftovers()).toEqual([]);
    });
  });

  it('talks over an inherited socketpair end (address: pair), where listen, accept and connect have nothing to do', async () => {
    await inWorld(async (world) => {
      const [mine, theirs] = UnixSocket.pair('stream');
      try {
        const peer = world.start(
          {
            id: 'server',
            socket: { address: 'pair', fd: 4 },
            steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, { step: 'recv', payload: text('ping') }, { step: 'send', payload: text('pong') }],
          },
          'stream',
          'pipe',
          theirs.fd,
        );
        theirs.close();
        await mine.send(Buffer.from('ping'));
        const reply = await mine.recv({ maxBytes: 4 });
        expect(reply.data.toString()).toBe('pong');
        expect(await peer.outcome()).toEqual(SUCCEEDED);
        expect(peer.named('listen')[0]).toMatchObject({ pair: true });
        // The peer closed its end when it finished.
        expect((await mine.recv()).eof).toBe(true);
      } finally {
        mine.close();
        theirs.close();
      }
    });
  });
});
