// src/judge/traffic.ts: sequence-traffic verdicts (loss, order, duplicates, corruption, boundaries,
// latency) on hand-made receiver summaries.
import { judgeSummary, trafficRules, type TrafficRules } from '../../src/judge/traffic';
import type { Scenario } from '../../src/scenario/types';
import type { ReceiverSummary, SenderTally, TrafficAnomaly } from '../../src/traffic';

const strict: TrafficRules = { loss: 0, duplicates: 0, boundaries: true, ordering: 'strict' };

function tally(sender: string, over: Partial<SenderTally> = {}): SenderTally {
  return { sender, ended: true, announced: 5000, received: 5000, unique: 5000, lost: 0, duplicated: 0, reordered: 0, bytes: 320000, missing: [], ...over };
}

function summary(over: Partial<ReceiverSummary> = {}): ReceiverSummary {
  return {
    role: 'receiver', count: 5000, received: 5000, unique: 5000, lost: 0, duplicated: 0, reordered: 0, reorderedGlobal: 0, corrupt: 0,
    boundaryViolations: 0, bytes: 320000, elapsedNs: 1e6, stopped: 'complete', senders: { 'client-2': 5000 }, perSender: [tally('client-2')], anomalies: [],
    ...over,
  };
}

const reordered: TrafficAnomaly = { kind: 'reordered', sender: 'client-2', seq: 4712, after: 4713, message: 4713, text: '#4713 arrived before #4712' };

describe('traffic verdicts', () => {
  it('a clean summary passes', () => {
    expect(judgeSummary(summary(), 'server', strict)).toEqual([]);
  });

  it('names what never arrived and what came out of order, per sender', () => {
    const s = summary({ lost: 1, unique: 4999, reordered: 1, perSender: [tally('client-2', { lost: 1, unique: 4999, missing: [4711] })], anomalies: [reordered] });
    const failures = judgeSummary(s, 'server', strict);
    expect(failures.map((f) => [f.code, f.message])).toEqual([
      ['LOSS', 'client-2 → server: #4711 never arrived (1 of 5000 lost; loss: 0 allowed)'],
      ['ORDERING', 'client-2 → server: #4713 arrived before #4712 (1 out of order; ordering: strict)'],
    ]);
  });

  it('allows what expect: allows', () => {
    const s = summary({ lost: 2, duplicated: 1, reordered: 3, perSender: [tally('client-2', { lost: 2, missing: [1, 2] })] });
    expect(judgeSummary(s, 'server', { ...strict, loss: 2, duplicates: 1, ordering: 'none' })).toEqual([]);
  });

  it('reports duplicates, corruption and boundary violations with their sequence numbers', () => {
    const s = summary({
      duplicated: 1, corrupt: 1, boundaryViolations: 1,
      anomalies: [
        { kind: 'duplicate', sender: 'client-2', seq: 7, message: 8, text: '#7 arrived twice' },
        { kind: 'corrupt', sender: 'client-2', seq: 13, message: 14, detail: 'checksum', text: '#13 (64 bytes) failed its checksum' },
        { kind: 'boundary', seq: 0, message: 1, bytes: 48, expectedBytes: 64, text: 'message 1 is 48 bytes but carries a frame of 64 (#0): boundaries not preserved' },
      ],
    });
    const messages = Object.fromEntries(judgeSummary(s, 'server', strict).map((f) => [f.code, f.message]));
    expect(messages.DUPLICATES).toBe('client-2 → server: #7 arrived twice (1 duplicated; duplicates: 0 allowed)');
    expect(messages.CORRUPTION).toContain('client-2 → server: #13 (64 bytes) failed its checksum');
    expect(messages.BOUNDARIES).toContain('a sender → server: message 1 is 48 bytes');
  });

  it('a message that arrived damaged is CORRUPTION only, not also LOSS; a real loss beside it still is', () => {
    const corrupt: TrafficAnomaly = { kind: 'corrupt', sender: 'client-2', seq: 13, message: 14, detail: 'checksum', text: '#13 (64 bytes) failed its checksum' };
    const damagedOnly = summary({ corrupt: 1, lost: 1, unique: 4999, perSender: [tally('client-2', { lost: 1, unique: 4999, missing: [13] })], anomalies: [corrupt] });
    expect(judgeSummary(damagedOnly, 'server', strict).map((f) => f.code)).toEqual(['CORRUPTION']);
    const both = summary({ corrupt: 1, lost: 2, unique: 4998, perSender: [tally('client-2', { lost: 2, unique: 4998, missing: [13, 40] })], anomalies: [corrupt] });
    expect(judgeSummary(both, 'server', strict).map((f) => [f.code, f.message])).toEqual([
      ['LOSS', 'client-2 → server: #40 never arrived (1 of 5000 lost; loss: 0 allowed)'],
      ['CORRUPTION', 'client-2 → server: #13 (64 bytes) failed its checksum (1 corrupt; every message must arrive intact)'],
    ]);
  });

  it('holds several senders to one global order only under ordering: strict', () => {
    const s = summary({ reorderedGlobal: 12, perSender: [tally('client-1'), tally('client-2')] });
    expect(judgeSummary(s, 'server', { ...strict, ordering: 'per-sender' })).toEqual([]);
    expect(judgeSummary(s, 'server', strict)[0]).toMatchObject({ code: 'ORDERING', message: expect.stringContaining('12 messages after messages another sender sent later') });
  });

  it('checks within: against the largest one-way latency', () => {
    const s = summary({ latency: { count: 5000, minNs: 1e4, meanNs: 2e5, p50Ns: 1e5, p99Ns: 3e6, maxNs: 2.5e7 } });
    expect(judgeSummary(s, 'server', { ...strict, withinMs: 30 })).toEqual([]);
    expect(judgeSummary(s, 'server', { ...strict, withinMs: 10 })).toEqual([
      expect.objectContaining({ code: 'LATENCY', message: 'client-2 → server: one-way latency reached 25 ms (p99 3.00 ms), over within: 10 ms' }),
    ]);
  });

  it('defaults to per-sender order for several senders (one datagram queue, or the connections a server reads together), strict for one', () => {
    const scenario = (type: 'dgram' | 'stream', count: number) =>
      ({
        socket: { type, address: 'path' },
        expect: { exit: {}, stdout: {}, stderr: {}, leftoverSockets: 'fail', fdLeaks: 'fail' },
        clients: { kind: 'steps', count, single: count === 1, env: {}, ready: { kind: 'none' }, steps: [{ step: 'send', index: 0, payload: { kind: 'sequence', count: 10, size: { min: 64, max: 64 } } }] },
      }) as unknown as Scenario;
    expect(trafficRules(scenario('dgram', 4))).toEqual({ loss: 0, duplicates: 0, boundaries: true, ordering: 'per-sender' });
    expect(trafficRules(scenario('dgram', 1)).ordering).toBe('strict');
    expect(trafficRules(scenario('stream', 4)).ordering).toBe('per-sender');
    expect(trafficRules(scenario('stream', 1)).ordering).toBe('strict');
  });
});
