// A small sequence exchange keeps one timeline event per message (dated when it arrived), drawn as
// one arrow each; bulk traffic stays one summary event and one arrow.
import { defineScenario, runScenario } from '../../src';
import { buildTimelineModel } from '../../src/report/timeline-model';
import { SMALL_EXCHANGE } from '../../src/traffic';

function exchange(count: number) {
  return defineScenario({
    name: `${count} sequence datagrams`,
    socket: 'dgram',
    server: { steps: ['listen', { recv: { count, size: 48, pattern: 'sequence' } }, 'close'] },
    client: {
      steps: [{ waitFor: { peer: 'server', event: 'listen' } }, 'connect', { send: { count, size: 48, pattern: 'sequence' } }, 'close'],
    },
  });
}

it('a small exchange has a message event per arrival, in order, between the send and the summary', async () => {
  const result = await runScenario(exchange(5));
  expect(result.failures).toEqual([]);
  const messages = result.timeline.filter((e) => e.ev === 'message');
  expect(messages.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
  for (const m of messages) {
    expect(m).toMatchObject({ peer: 'server', from: 'client', bytes: 48 });
    expect(m.latencyNs).toBeGreaterThanOrEqual(0);
  }
  // Dated at arrival: after the client started, no later than the receiver's summary.
  const start = result.timeline.find((e) => e.peer === 'client' && e.ev === 'connect')!;
  const summary = result.timeline.find((e) => e.peer === 'server' && e.ev === 'traffic')!;
  expect(summary).not.toHaveProperty('arrivals');
  for (const m of messages) {
    expect(m.t).toBeGreaterThan(start.t);
    expect(m.t).toBeLessThanOrEqual(summary.t);
  }

  const arrows = buildTimelineModel(result).items.filter((i) => i.kind === 'arrow');
  expect(arrows.map((a) => a.kind === 'arrow' && [a.from, a.to, a.label, a.bulk])).toEqual(
    [0, 1, 2, 3, 4].map((seq) => ['client', 'server', `#${seq} 48 B`, false]),
  );
}, 20_000);

it(`bulk traffic (more than ${SMALL_EXCHANGE} messages) stays one summary: no message events, one bulk arrow`, async () => {
  const result = await runScenario(exchange(SMALL_EXCHANGE + 1));
  expect(result.failures).toEqual([]);
  expect(result.timeline.filter((e) => e.ev === 'message')).toEqual([]);
  const arrows = buildTimelineModel(result).items.filter((i) => i.kind === 'arrow');
  expect(arrows).toEqual([expect.objectContaining({ from: 'client', to: 'server', bulk: true })]);
}, 20_000);
