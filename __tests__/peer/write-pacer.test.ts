// The pacing of a peer's event writes (src/peer/write-pacer.ts), on a fake clock: which lines go
// out in which write is decided by the interval, not by how fast this machine runs the test.
import { WritePacer } from '../../src/peer/write-pacer';

describe('event write pacing', () => {
  let writes: string[];
  let pacer: WritePacer;

  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    writes = [];
    pacer = new WritePacer((text) => writes.push(text), 2);
  });
  afterEach(() => {
    pacer.take();
    jest.useRealTimers();
  });

  it('writes the first line after a quiet spell on the next turn, with the rest of that turn', () => {
    pacer.add('a\n');
    pacer.add('b\n');
    expect(writes).toEqual([]);
    jest.advanceTimersByTime(0);
    expect(writes).toEqual(['a\nb\n']);
  });

  it('gathers a burst of back-to-back lines into one write at the end of the interval; none is lost', () => {
    pacer.add('start\n');
    jest.advanceTimersByTime(0);
    // 100 steps in quick succession, each in a turn of its own
    for (let i = 0; i < 100; i++) {
      pacer.add(`step ${i}\n`);
      jest.advanceTimersByTime(0);
    }
    expect(writes).toEqual(['start\n']);
    jest.advanceTimersByTime(2);
    expect(writes).toEqual(['start\n', Array.from({ length: 100 }, (_, i) => `step ${i}\n`).join('')]);
    // quiet again: the next line goes out at once
    jest.advanceTimersByTime(10);
    pacer.add('late\n');
    jest.advanceTimersByTime(0);
    expect(writes.at(-1)).toBe('late\n');
  });

  it('writes what is queued at once when the peer is about to exit (flush)', () => {
    pacer.add('start\n');
    jest.advanceTimersByTime(0);
    pacer.add('done\n');
    pacer.writePending();
    expect(writes).toEqual(['start\n', 'done\n']);
    jest.advanceTimersByTime(10);
    expect(writes).toHaveLength(2);
  });

  it('hands the queued lines to a synchronous write (the `stopped` at SIGTERM) so they precede it, once', () => {
    pacer.add('start\n');
    jest.advanceTimersByTime(0);
    pacer.add('send\n');
    pacer.add('recv\n');
    expect(pacer.take() + 'stopped\n').toBe('send\nrecv\nstopped\n');
    jest.advanceTimersByTime(10);
    expect(writes).toEqual(['start\n']);
  });
});
