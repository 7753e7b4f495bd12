// A peer gathers the event lines of a burst of steps into fewer writes (src/peer/write-pacer.ts).
// What that must not change: no event is lost or re-dated, and another peer's `waitFor` on the
// last event of a burst still completes (the burst's last write goes out at the end of its
// interval, not when the next step happens to run: here no step follows until the wait is over).
import { describeBuilt, expectPass, explain, useRunBase } from '../e2e/scripted-runs';

const runs = useRunBase('event-pacing', 20_000);
const BURST = 60;

describeBuilt('event pacing', () => {
  it('a waitFor on the last event of another peer`s burst completes; every event arrives, in order of its stamp', async () => {
    const result = await runs.run({
      name: 'burst then wait',
      socket: 'stream',
      server: {
        // after its burst the server only waits: its last recv event goes out on the pacer's timer
        steps: ['listen', 'accept', ...Array.from({ length: BURST }, () => ({ recv: { text: 'x' } })), { recv: { text: 'go' } }, { recv: { eof: true } }, 'close'],
      },
      client: {
        steps: [
          'connect',
          ...Array.from({ length: BURST }, () => ({ send: { text: 'x' } })),
          { waitFor: { peer: 'server', event: 'recv', count: BURST } },
          { send: { text: 'go' } },
          'close',
        ],
      },
    } as never);
    expectPass(result);
    // the burst, 'go', and for the server its end-of-file
    for (const [peer, ev, count] of [['client', 'send', BURST + 1], ['server', 'recv', BURST + 2]] as const) {
      const stamps = result.timeline.filter((e) => e.peer === peer && e.ev === ev).map((e) => e.t);
      if (stamps.length !== count) throw new Error(`${peer}: ${stamps.length} ${ev} events, expected ${count}: ${explain(result)}`);
      expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
    }
  });
});
