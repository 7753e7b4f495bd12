// The wait budget's policy (src/socket/wait-budget.ts) on given figures, and UnixSocket.waitBudget
// on a real socketpair in this process: a wait that cannot pay off (the other end is this very
// process, whose loop the wait blocks) still ends, and the operation completes from the loop.
import { UnixSocket } from '../../src/socket';
import { WaitBudget } from '../../src/socket/wait-budget';

describe('WaitBudget', () => {
  it('starts at its limit, halves on every miss, and turns off below a few microseconds', () => {
    const budget = new WaitBudget();
    expect(budget.micros).toBe(0);
    budget.limit(100);
    expect(budget.micros).toBe(100);
    budget.miss();
    expect(budget.micros).toBe(50);
    budget.miss();
    budget.miss();
    expect(budget.micros).toBe(12.5);
    budget.miss();
    expect(budget.micros).toBe(0);
  });

  it('grows to twice what a hit took, never past its limit', () => {
    const budget = new WaitBudget();
    budget.limit(400);
    budget.miss();
    budget.miss();
    expect(budget.micros).toBe(100);
    budget.hit(30);
    expect(budget.micros).toBe(100);
    budget.hit(80);
    expect(budget.micros).toBe(160);
    budget.hit(300);
    expect(budget.micros).toBe(400);
  });

  it('comes back after a quick event-loop wait, later after each miss in a row, at once after a hit', () => {
    const budget = new WaitBudget();
    budget.limit(100);
    for (let i = 0; i < 4; i++) budget.miss();
    expect(budget.micros).toBe(0);
    // four misses in a row: the next comeback waits for eight quick event-loop waits
    for (let i = 0; i < 8; i++) {
      budget.waited(20);
      expect(budget.micros).toBe(0);
    }
    budget.waited(20);
    expect(budget.micros).toBe(40);
    budget.hit(10);
    budget.miss();
    // after a hit, one miss asks for one quick wait
    budget.waited(20);
    expect(budget.micros).toBe(20);
    budget.waited(45);
    expect(budget.micros).toBe(90);
  });

  it('ignores event-loop waits longer than its limit, and stays off once turned off', () => {
    const budget = new WaitBudget();
    budget.limit(100);
    budget.miss();
    budget.waited(20);
    budget.miss();
    budget.miss();
    budget.miss();
    budget.miss();
    expect(budget.micros).toBe(0);
    for (let i = 0; i < 100; i++) budget.waited(5000);
    expect(budget.micros).toBe(0);
    budget.off();
    for (let i = 0; i < 100; i++) budget.waited(5);
    expect(budget.micros).toBe(0);
    expect(budget.limitMicros).toBe(0);
  });
});

describe('UnixSocket.waitBudget', () => {
  it('refuses a limit outside 0..10000 µs, saying what to give', () => {
    const [a, b] = UnixSocket.pair('stream');
    try {
      expect(() => a.waitBudget(10_001)).toThrow(expect.objectContaining({ code: 'EINVAL', message: expect.stringContaining('maxMicros must be an integer from 0 to 10000, got 10001') }));
      expect(() => a.waitBudget(-1)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
      expect(() => a.waitBudget(1.5)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
      expect(a.waitBudget(0)).toBe(a);
    } finally {
      a.close();
      b.close();
    }
  });

  it.each(['stream', 'dgram'] as const)('a %s recv answered from this same process completes: the wait runs out and the loop goes on', async (type) => {
    const [a, b] = UnixSocket.pair(type);
    try {
      a.waitBudget(10_000);
      b.waitBudget(10_000);
      for (let i = 0; i < 20; i++) {
        const message = Buffer.from(`m${i}`);
        // The answer comes from a timer of this process: only the event loop can deliver it.
        const reply = a.recv();
        setImmediate(() => void b.send(message));
        expect((await reply).data).toEqual(message);
        const back = b.recv();
        setImmediate(() => void a.send(message));
        expect((await back).data).toEqual(message);
      }
    } finally {
      a.close();
      b.close();
    }
  });

  it('a recv that is waiting is cancelled by close, as without a budget', async () => {
    const [a, b] = UnixSocket.pair('stream');
    a.waitBudget(10_000);
    const pending = a.recv();
    setImmediate(() => a.close());
    await expect(pending).rejects.toMatchObject({ code: 'ECANCELED' });
    b.close();
  });
});
