// Bytes a stream `recv: { until }` read past its delimiter belong to whoever reads the connection
// next: a `recvFds` gets them with the descriptors that came in the same read, a native reader
// (sequence traffic) refuses to read around them, and closing reports them as unread.
import type { ScenarioResult } from '../../src/judge/result';
import { describeBuilt, expectPass, useRunBase } from './scripted-runs';

const runs = useRunBase('readahead', 20_000);
const eventsOf = (result: ScenarioResult, peer: string, ev: string) => result.timeline.filter((e) => e.peer === peer && e.ev === ev);

describeBuilt('bytes read past a delimiter', () => {
  // The server reads only once both writes are queued, so its `until` read takes the line and the
  // message that carries the descriptor in one recvmsg.
  it('a recvFds after an `until` recv gets the descriptor that came in the same read', async () => {
    const result = await runs.run({
      name: 'line then descriptor',
      socket: 'stream',
      server: {
        steps: [
          'listen',
          'accept',
          { waitFor: { peer: 'client', event: 'sendFds' } },
          { recv: { until: '\n', text: 'HELLO\n' } },
          { recvFds: { expect: [{ type: 'pipe', content: 'through the pipe' }], data: 'F' } },
          'close',
        ],
      },
      client: { steps: ['connect', { send: { text: 'HELLO\n' } }, { sendFds: { pipe: { content: 'through the pipe' } } }, { recv: { eof: true } }, 'close'] },
    });
    expectPass(result);
    expect(eventsOf(result, 'server', 'recvFds')[0]).toMatchObject({ count: 1, data: 'F' });
  });

  it('bytes before the descriptor\'s message count as its data, and show where they came from when they differ', async () => {
    const result = await runs.run({
      name: 'line, extra, then descriptor',
      socket: 'stream',
      server: {
        steps: ['listen', 'accept', { waitFor: { peer: 'client', event: 'sendFds' } }, { recv: { until: '\n', text: 'HELLO\n' } }, { recvFds: { expect: [{ type: 'pipe' }], data: 'F' } }, 'close'],
      },
      client: { steps: ['connect', { send: { text: 'HELLO\nxy' } }, { sendFds: { pipe: true } }, { recv: { eof: true } }, 'close'] },
    });
    expect(result.failures).toEqual([expect.objectContaining({ peer: 'server', cause: 'RECV_MISMATCH', message: expect.stringContaining('expected "F", got "xyF"') })]);
  });

  it('sequence traffic after an `until` recv fails saying the queued bytes must be read first, instead of reading around them', async () => {
    const result = await runs.run({
      name: 'line then traffic',
      socket: 'stream',
      server: {
        steps: ['listen', 'accept', { waitFor: { peer: 'client', event: 'send', count: 2 } }, { recv: { until: '\n', text: 'START\n' } }, { recv: { count: 3, size: 64 } }, 'close'],
      },
      client: { steps: ['connect', { send: { text: 'START\n' } }, { send: { count: 3, size: 64 } }, { recv: { eof: true } }, 'close'] },
      expect: { unreadData: 'ignore' },
    });
    expect(result.failures).toEqual([
      expect.objectContaining({
        peer: 'server',
        step: { name: 'recv', index: 4 },
        cause: 'RECV_MISMATCH',
        message: expect.stringMatching(/that an earlier `recv` read past its delimiter are still unread .*sequence traffic is read in native code and would read around them: read them first with a `recv`/),
      }),
    ]);
  });
});

describeBuilt('bytes sent after sequence traffic on a stream', () => {
  // The receiver starts only once everything is queued, so the engine's first read takes the
  // frames and the request after them together: those bytes must reach the next `recv`.
  it('the next recv gets what followed the last frame in the engine\'s read', async () => {
    const result = await runs.run({
      name: 'traffic then a request',
      socket: 'stream',
      server: {
        steps: ['listen', 'accept', { waitFor: { peer: 'client', event: 'send' } }, { recv: { count: 5, size: 32, pattern: 'sequence' } }, { recv: { text: 'ping' } }, 'close'],
      },
      client: { steps: ['connect', { send: { count: 5, size: 32, pattern: 'sequence' } }, { send: { text: 'ping' } }, { recv: { eof: true } }, 'close'] },
    });
    expectPass(result);
    expect(eventsOf(result, 'server', 'recv').filter((e) => e.bytes === 4)).toHaveLength(1);
  });

  it('from several connections (one native run reads them all), each keeps its own', async () => {
    const client = { steps: ['connect', { send: { count: 3, size: 16, pattern: 'sequence' } }, { send: { text: 'ping' } }, { recv: { eof: true } }, 'close'] };
    const result = await runs.run({
      name: 'fan-in then requests',
      socket: 'stream',
      server: {
        steps: [
          'listen',
          { accept: { as: 'a' } },
          { accept: { as: 'b' } },
          { waitFor: { peer: 'client-1', event: 'send' } },
          { waitFor: { peer: 'client-2', event: 'send' } },
          { recv: { count: 6, size: 16, pattern: 'sequence' } },
          { recv: { on: 'a', text: 'ping' } },
          { recv: { on: 'b', text: 'ping' } },
          'close',
        ],
      },
      clients: { count: 2, ...client },
    } as never);
    expectPass(result);
  });
});
