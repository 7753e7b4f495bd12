// Sequence-traffic verdicts proven through real runs (the hand-made summaries are in
// verdicts.test.ts): a scripted datagram server receives sequence traffic from a real sender
// process (an external `run:` peer) that drops, duplicates, swaps or corrupts chosen messages on
// purpose, and the scenario result names each fault with its code, flow and sequence number;
// `expect:` lets pass exactly what it allows; and a server that reads late fails `within:`.
import { defineScenario, runScenario, type ExpectInput, type PeerEvent, type ScenarioResult, type StepInput } from '../../src';
import type { ReceiverSummary, TrafficInjection } from '../../src/traffic';
import { childScript } from '../helpers/child-script';

const N = 20;
const SENDER = '__tests__/traffic/children/sender.ts';
/** every failure points at the server's sequence recv (index 1, or 3 after the wait and the sleep) */
const AT_RECV = { peer: 'server', step: { name: 'recv', index: 1 } };

interface Options {
  inject?: TrafficInjection;
  expect?: ExpectInput;
  /**
   * a sleep between the server's listen and its recv, after the sender has ended (so it has sent
   * everything whatever the load): the messages wait in the socket buffer at least this long
   */
  pause?: string;
  /** messages to send (N unless said) */
  count?: number;
}

function run(name: string, options: Options = {}): Promise<ScenarioResult> {
  const count = options.count ?? N;
  const recv: StepInput = { recv: { count, size: 64, pattern: 'sequence' } };
  const serverSteps: StepInput[] = options.pause
    ? ['listen', { waitFor: { peer: 'client', event: 'exit' } }, { sleep: options.pause }, recv, 'close']
    : ['listen', recv, 'close'];
  const sender = { type: 'dgram', connect: true, senderId: 'client', count, size: { min: 64, max: 64 }, ...(options.inject ? { inject: options.inject } : {}) };
  return runScenario(
    defineScenario({
      name,
      socket: 'dgram',
      timeout: '20s',
      // a scripted server is ready once its listen step is done; the client starts then
      server: { steps: serverSteps },
      client: { run: [process.execPath, childScript(SENDER), '${socket}', JSON.stringify(sender)] },
      ...(options.expect ? { expect: options.expect } : {}),
    }),
  );
}

/** The whole verdict, in order: nothing else may fail. */
function verdict(result: ScenarioResult): Array<{ code: string; message: string }> {
  return result.failures.map((f) => ({ code: f.code, message: f.message }));
}

/** The server's traffic summary from the timeline: what really happened on the socket. */
function summaryOf(result: ScenarioResult): ReceiverSummary {
  const events = result.timeline.filter((e: PeerEvent) => e.peer === 'server' && e.ev === 'traffic' && e.role === 'receiver');
  expect(events).toHaveLength(1);
  return events[0] as unknown as ReceiverSummary;
}

/** Both peers ran to the end (the sender printed its summary): any failure is the judge's verdict. */
function expectPeersDone(result: ScenarioResult, count = N): void {
  expect(result.peers.map((p) => [p.id, p.exitCode, p.signal])).toEqual([
    ['server', 0, null],
    ['client', 0, null],
  ]);
  expect(JSON.parse(result.peers.find((p) => p.id === 'client')!.stdout)).toMatchObject({ role: 'sender', count, stopped: 'complete' });
}

describe(`sequence traffic verdicts in real runs (dgram, ${N} messages of 64 bytes from an external sender)`, () => {
  it('a clean run passes with no failures', async () => {
    const result = await run('clean');
    expect(verdict(result)).toEqual([]);
    expect(result.passed).toBe(true);
    expectPeersDone(result);
    expect(summaryOf(result)).toMatchObject({ count: N, received: N, unique: N, lost: 0, duplicated: 0, reordered: 0, corrupt: 0, stopped: 'complete', senders: { client: N } });
  });

  it('a dropped message fails LOSS, naming its sequence number', async () => {
    const result = await run('drop #4', { inject: { drop: [4] } });
    expect(verdict(result)).toEqual([{ code: 'LOSS', message: `client → server: #4 never arrived (1 of ${N} lost; loss: 0 allowed)` }]);
    expect(result.failures[0]).toMatchObject(AT_RECV);
    expect(result.passed).toBe(false);
    expectPeersDone(result);
  });

  it('expect: { loss: 1 } lets that one drop pass', async () => {
    const result = await run('drop #4, loss: 1', { inject: { drop: [4] }, expect: { loss: 1 } });
    expect(verdict(result)).toEqual([]);
    expect(result.passed).toBe(true);
    // the message really was lost: the rule let it pass, not a run without the fault
    expect(summaryOf(result)).toMatchObject({ unique: N - 1, lost: 1, perSender: [expect.objectContaining({ sender: 'client', missing: [4] })] });
  });

  it('expect: { loss: 1 } does not let two drops pass', async () => {
    const result = await run('drop #4 and #9, loss: 1', { inject: { drop: [4, 9] }, expect: { loss: 1 } });
    expect(verdict(result)).toEqual([{ code: 'LOSS', message: `client → server: #4, #9 never arrived (2 of ${N} lost; loss: 1 allowed)` }]);
  });

  it('a duplicated message fails DUPLICATES', async () => {
    const result = await run('dup #7', { inject: { dup: [7] } });
    expect(verdict(result)).toEqual([{ code: 'DUPLICATES', message: 'client → server: #7 arrived twice (1 duplicated; duplicates: 0 allowed)' }]);
    expect(result.failures[0]).toMatchObject(AT_RECV);
    expectPeersDone(result);
  });

  it('two swapped messages fail ORDERING (one sender: strict by default)', async () => {
    const result = await run('swap #10 #11', { inject: { swap: [[10, 11]] } });
    expect(verdict(result)).toEqual([{ code: 'ORDERING', message: 'client → server: #11 arrived before #10 (1 out of order; ordering: strict)' }]);
    expect(result.failures[0]).toMatchObject(AT_RECV);
    expectPeersDone(result);
  });

  it('ordering: none lets the swap pass', async () => {
    const result = await run('swap #10 #11, ordering: none', { inject: { swap: [[10, 11]] }, expect: { ordering: 'none' } });
    expect(verdict(result)).toEqual([]);
    expect(result.passed).toBe(true);
    expect(summaryOf(result)).toMatchObject({ unique: N, lost: 0, reordered: 1 });
  });

  it('a corrupted message fails CORRUPTION, and only that: it did arrive, damaged', async () => {
    const result = await run('corrupt #13', { inject: { corrupt: [13] } });
    expect(verdict(result)).toEqual([
      { code: 'CORRUPTION', message: 'client → server: #13 (64 bytes) failed its checksum (1 corrupt; every message must arrive intact)' },
    ]);
    // The engine's own tally still says it is not among the intact ones.
    expect(summaryOf(result)).toMatchObject({ corrupt: 1, unique: N - 1 });
    for (const failure of result.failures) expect(failure).toMatchObject(AT_RECV);
    expectPeersDone(result);
  });

  describe('latency: the server sleeps 300 ms after the sender has ended, so the messages wait in its socket buffer', () => {
    // Few enough to all wait in the receive queue while the sender ends (Linux queues at least 10
    // datagrams on an AF_UNIX socket, net.unix.max_dgram_qlen): with more, the sender would block
    // until the server reads, and never end first.
    const late = { pause: '300ms', count: 5 };
    const atRecvAfterSleep = { peer: 'server', step: { name: 'recv', index: 3 } };

    it('within: 50ms fails LATENCY', async () => {
      const result = await run('late reader, within 50ms', { ...late, expect: { within: '50ms' } });
      expect(result.failures).toEqual([
        expect.objectContaining({
          code: 'LATENCY',
          ...atRecvAfterSleep,
          message: expect.stringMatching(/^client → server: one-way latency reached \d+ ms \(p99 \d+ ms\), over within: 50 ms$/),
        }),
      ]);
      const { latency } = summaryOf(result);
      expect(latency?.count).toBe(late.count);
      expect(latency!.maxNs).toBeGreaterThan(50e6);
      expectPeersDone(result, late.count);
    });

    it('within: 5s passes the same run', async () => {
      const result = await run('late reader, within 5s', { ...late, expect: { within: '5s' } });
      expect(verdict(result)).toEqual([]);
      expect(result.passed).toBe(true);
      // as late as in the failing case: the bound let it pass
      expect(summaryOf(result).latency!.maxNs).toBeGreaterThan(50e6);
    });
  });
});
