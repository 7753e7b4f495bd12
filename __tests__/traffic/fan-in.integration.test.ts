// One receive run over several connections (`more`): the engine polls them all, rebuilds each
// stream's frames in that connection's own buffer, tallies per sender, and ends when every
// connection has ended. Frames are written by hand (src/traffic/frame.ts, byte-identical to the
// engine's), so where a frame is split is chosen, not left to the scheduler.
import { UnixSocket } from '../../src/socket';
import { receiveTraffic, type ReceiverSummary } from '../../src/traffic';
import { dataFrame, endFrame, senderNumber } from '../../src/traffic/frame';

const itSeqpacket = process.platform === 'linux' ? it : it.skip;
const SIZE = { min: 64, max: 64 };

function frames(id: string, count: number): Buffer[] {
  const sender = senderNumber(id);
  const out: Buffer[] = [];
  for (let seq = 0; seq < count; seq++) out.push(dataFrame(sender, seq, 64));
  out.push(endFrame(sender, count, id));
  return out;
}

/** Resolves once the engine has taken `messages` data frames (its shared progress counter). */
async function taken(run: { progress(): { messages: number } }, messages: number): Promise<void> {
  while (run.progress().messages < messages) await new Promise((resolve) => setImmediate(resolve));
}

describe('sequence receive fanning in from several connections', () => {
  it('stream: a frame split across reads on one connection does not mix with whole frames of another', async () => {
    const [aliceOut, aliceIn] = UnixSocket.pair('stream');
    const [bobOut, bobIn] = UnixSocket.pair('stream');
    try {
      const run = receiveTraffic(aliceIn, { count: 4, size: SIZE, more: [bobIn] });
      const [first, ...restOfAlice] = frames('alice', 2);
      // Half of alice's first frame, then all of bob's frames: a shared reassembly buffer would
      // read bob's header as the rest of alice's frame.
      await aliceOut.send(first!.subarray(0, 40));
      for (const frame of frames('bob', 2)) await bobOut.send(frame);
      await taken(run, 2);
      await aliceOut.send(Buffer.concat([first!.subarray(40), ...restOfAlice]));
      const summary: ReceiverSummary = await run.result;
      expect(summary).toMatchObject({ stopped: 'complete', received: 4, unique: 4, lost: 0, corrupt: 0, boundaryViolations: 0, anomalies: [] });
      expect(summary.senders).toEqual({ bob: 2, alice: 2 });
    } finally {
      for (const s of [aliceOut, aliceIn, bobOut, bobIn]) s.close();
    }
  });

  itSeqpacket('seqpacket: the run ends when every connection has ended, short of the count', async () => {
    const [aliceOut, aliceIn] = UnixSocket.pair('seqpacket');
    const [bobOut, bobIn] = UnixSocket.pair('seqpacket');
    try {
      const run = receiveTraffic(aliceIn, { count: 10, size: SIZE, more: [bobIn] });
      for (const frame of frames('alice', 2)) await aliceOut.send(frame);
      aliceOut.close();
      for (const frame of frames('bob', 3)) await bobOut.send(frame);
      bobOut.close();
      const summary = await run.result;
      expect(summary).toMatchObject({ stopped: 'eof', unique: 5, corrupt: 0 });
      expect(summary.senders).toEqual({ alice: 2, bob: 3 });
    } finally {
      for (const s of [aliceOut, aliceIn, bobOut, bobIn]) if (!s.closed) s.close();
    }
  });

  it('refuses connections of another type before starting', () => {
    const [a, b] = UnixSocket.pair('stream');
    const [c, d] = UnixSocket.pair('dgram');
    try {
      expect(() => receiveTraffic(b, { count: 1, size: SIZE, more: [d] })).toThrow(/more/);
    } finally {
      for (const s of [a, b, c, d]) s.close();
    }
  });
});
