// UnixSocket.waitBudget between real processes: a request/response exchange with the budget on
// both ends carries every byte, and a process that spends its time blocked in the budget's
// poll(2) still runs its timers and its SIGTERM handler.
import path from 'node:path';

import { UnixSocket } from '../../src/socket';
import { startChild, type Message, type RunningChild } from './child-process';
import { makeTempDir } from './temp-dir';

const temp = makeTempDir();
afterAll(() => temp.remove());

async function until(child: RunningChild, key: string): Promise<Message> {
  for (;;) {
    const message = await child.next(key);
    if (message[key] !== undefined) return message;
  }
}

describe('UnixSocket.waitBudget between processes', () => {
  it('a process blocked in the wait still runs its timers and its SIGTERM handler', async () => {
    const child = startChild('__tests__/socket/children/budget-waiter.ts');
    try {
      await until(child, 'timer');
      await until(child, 'ready');
      child.process.kill('SIGTERM');
      expect(await until(child, 'stopped')).toEqual({ stopped: true, afterRounds: true });
      expect(await child.exited()).toBe(0);
    } finally {
      await child.stop();
    }
  });

  const types = process.platform === 'linux' ? (['stream', 'dgram', 'seqpacket'] as const) : (['stream', 'dgram'] as const);
  it.each(types)('a %s ping-pong with an echo process carries every message in order, with the budget on both ends', async (type) => {
    const address = path.join(temp.dir, `${type}.sock`);
    const child = startChild('__tests__/socket/children/echo-peer.ts', [type, JSON.stringify(address), '500']);
    const sock = UnixSocket.create(type).waitBudget(500);
    try {
      expect(await child.next('ready')).toEqual({ ready: true });
      if (type === 'dgram') sock.bind(path.join(temp.dir, `${type}-client.sock`));
      else await sock.connect(address);
      const to = type === 'dgram' ? { to: address } : {};
      for (let i = 0; i < 300; i++) {
        const message = Buffer.alloc(64, i % 256);
        await sock.send(message, to);
        const chunks: Buffer[] = [];
        let have = 0;
        while (have < 64) {
          const reply = await sock.recv({ maxBytes: 64 - have });
          chunks.push(reply.data);
          have += reply.data.length;
        }
        expect(Buffer.concat(chunks)).toEqual(message);
      }
      if (type === 'dgram') await sock.send(Buffer.from('END'), to);
      else sock.shutdown('write');
      expect(await child.next('done')).toEqual({ done: true, echoed: 300 });
      expect(await child.exited()).toBe(0);
    } finally {
      sock.close();
      await child.stop();
    }
  });
});
