// Every single-bit flip of a sequence frame is caught, header and payload, by the reference codec
// and by the engine's receiver on a real socket. Frame format v2 checks a data payload by comparing
// it with its generated pattern (no payload checksum) and the header by its own check: this proves
// that leaves no bit unguarded, at the 32-byte minimum (header only) and at sizes with a partial
// last word and with whole pattern blocks.
import { UnixSocket } from '../../src/socket';
import { receiveTraffic } from '../../src/traffic';
import { dataFrame, decodeFrame, endFrame, HEADER_BYTES, senderNumber } from '../../src/traffic/frame';
import { trafficBinding } from '../../src/traffic/native';

const SIZES = [32, 33, 64, 99, 160];
const sender = senderNumber('client');

function flips(frame: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let bit = 0; bit < frame.length * 8; bit++) {
    const bad = Buffer.from(frame);
    bad[bit >> 3]! ^= 1 << (bit & 7);
    out.push(bad);
  }
  return out;
}

describe('single-bit flips of a sequence frame', () => {
  it.each(SIZES)('the reference codec refuses each flipped bit of a %i-byte frame', (size) => {
    for (const seq of [0, 5, 2 ** 32 + 1]) {
      // the engine's own encoder (a negative errno if it refused the size)
      const frame = trafficBinding().trafficFrame(sender, seq, size, 987654321);
      if (typeof frame === 'number') throw new Error(`trafficFrame failed: ${frame}`);
      expect(decodeFrame(frame).ok).toBe(true);
      const caught = flips(frame).filter((bad) => !decodeFrame(bad).ok).length;
      expect(caught).toBe(size * 8);
    }
  });

  it('the END frame: each flipped bit of its header or payload is refused', () => {
    const frame = endFrame(sender, 3, 'client');
    expect(decodeFrame(frame).ok).toBe(true);
    expect(frame.length).toBeGreaterThan(HEADER_BYTES);
    expect(flips(frame).filter((bad) => !decodeFrame(bad).ok)).toHaveLength(frame.length * 8);
  });

  it.each(SIZES)('the engine counts each flipped bit of a %i-byte frame corrupt or a boundary violation, and nothing else', async (size) => {
    const [out, into] = UnixSocket.pair('dgram');
    try {
      const frame = dataFrame(sender, 0, size, 5n);
      const bad = flips(frame);
      const run = receiveTraffic(into, { count: 1, size: { min: size, max: size } });
      for (const message of bad) await out.send(message);
      await out.send(frame);
      await out.send(endFrame(sender, 1, 'client'));
      const summary = await run.result;
      expect(summary).toMatchObject({ stopped: 'complete', unique: 1, lost: 0, duplicated: 0 });
      // a flip in the length field is a boundary violation on a message socket, every other one corrupt
      expect(summary.corrupt + summary.boundaryViolations).toBe(bad.length);
      expect(summary.boundaryViolations).toBe(32);
      expect(summary.received).toBe(bad.length + 1);
    } finally {
      out.close();
      into.close();
    }
  });
});
