// The proxy's events in the timeline picture: notes on the proxy's lane naming who sent what to
// whom, and each injected fault (a simple rendering; arrows through the proxy lane are the
// timeline's own work).
import { palette } from '../../src/report/color';
import { formatFailureDetails } from '../../src/report/pretty';
import { buildTimelineModel } from '../../src/report/timeline-model';
import type { ScenarioResult } from '../../src';

it('proxy events become notes on the proxy lane with sender → receiver, bytes, preview and faults', () => {
  const result = {
    name: 'through a proxy',
    passed: true,
    failures: [],
    warnings: [],
    peers: [],
    timeline: [
      { t: 1, peer: 'proxy', ev: 'proxy-start', via: 'proxy', seed: 42 },
      { t: 2, peer: 'proxy', ev: 'proxy-open', via: 'proxy', conn: 1, client: 'client-2' },
      { t: 3, peer: 'proxy', ev: 'proxy-data', via: 'proxy', conn: 1, sender: 'client-2', receiver: 'server', bytes: 5, preview: 'hello', fds: [{ type: 'file', dev: 1, ino: 2 }] },
      { t: 4, peer: 'proxy', ev: 'proxy-fault', via: 'proxy', conn: 1, sender: 'client-2', receiver: 'server', fault: 'reset', message: 2, detail: 'connection closed' },
      { t: 5, peer: 'proxy', ev: 'proxy-reset', via: 'proxy', conn: 1, client: 'client-2' },
      { t: 6, peer: 'proxy', ev: 'proxy-close', via: 'proxy', conn: 2 },
    ],
  } as unknown as ScenarioResult;
  const notes = buildTimelineModel(result).items.filter((i) => i.kind === 'note' && i.peer === 'proxy').map((i) => (i as { label: string }).label);
  expect(notes).toEqual([
    'proxy started, seed 42',
    'client-2 connected (connection 1)',
    'client-2→server 5 B + 1 fd "hello"',
    'fault reset: client-2→server msg 2, connection closed',
    "client-2's connection 1 reset",
    'connection 2 closed',
  ]);
});

it('a failed run through the proxy names its seed in the pretty report, and how to ask for the same faults', () => {
  const result = {
    name: 'through a proxy',
    passed: false,
    failures: [{ code: 'EXIT_MISMATCH', message: 'server exited 3' }],
    warnings: [],
    peers: [],
    timeline: [{ t: 1, peer: 'proxy', ev: 'proxy-start', via: 'proxy', seed: 42, seeded: true }],
  } as unknown as ScenarioResult;
  expect(formatFailureDetails(result, palette(false))).toContain('  proxy seed 42 (rerun with `proxy: { seed: 42 }` for the same faults)');
});
