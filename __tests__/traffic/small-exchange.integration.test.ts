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

it('a small exchange that times out still draws each message that arrived, before the failure', async () => {
  const result = await runScenario(
    defineScenario({
      name: 'small exchange, short',
      socket: 'dgram',
      server: { steps: ['listen', { recv: { count: 5, size: 32, pattern: 'sequence', timeout: '1s' } }, 'close'] },
      client: { steps: [{ waitFor: { peer: 'server', event: 'listen' } }, 'connect', { send: { count: 3, size: 32, pattern: 'sequence' } }, 'close'] },
    }),
  );
  expect(result.failures).toEqual([expect.objectContaining({ peer: 'server', cause: 'STEP_TIMEOUT' })]);
  const items = buildTimelineModel(result).items;
  const arrows = items.flatMap((i) => (i.kind === 'arrow' ? [i] : []));
  // one arrow per arrival (as many as arrived, 3), none for the sender's summary
  expect(arrows.map((a) => [a.from, a.to, a.label, a.bulk, a.end !== undefined])).toEqual([0, 1, 2].map((seq) => ['client', 'server', `#${seq} 32 B`, false, true]));
  const failure = items.findIndex((i) => i.kind === 'failure');
  const note = items.findIndex((i) => i.kind === 'note' && i.label === 'received 3 of 5 sequence (when the step timed out)');
  expect(note).toBeGreaterThanOrEqual(0);
  expect(note).toBeLessThan(failure);
  expect(items.findIndex((i) => i.kind === 'arrow')).toBeLessThan(failure);
}, 20_000);
