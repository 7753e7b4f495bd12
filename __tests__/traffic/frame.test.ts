// The TypeScript reference codec and the native one build the same bytes.
import { frame } from '../../src/traffic';
import { trafficBinding } from '../../src/traffic/native';

describe('sequence frame codec', () => {
  const sender = frame.senderNumber('client-2');

  it.each([32, 33, 35, 36, 64, 1000, 4099])('native and reference agree on a %i-byte frame', (size) => {
    for (const seq of [0, 1, 41, 2 ** 32 + 5]) {
      const native = trafficBinding().trafficFrame(sender, seq, size, 123456789);
      expect(native).toEqual(frame.dataFrame(sender, seq, size, 123456789n));
    }
  });

  it('decodes its own frames and refuses altered ones', () => {
    const good = frame.dataFrame(sender, 7, 64);
    expect(frame.decodeFrame(good)).toMatchObject({ ok: true, seq: 7n });
    for (const at of [0, 5, 9, 21, 30, 40, 63]) {
      const bad = Buffer.from(good);
      bad[at]! ^= 1;
      expect(frame.decodeFrame(bad).ok).toBe(false);
    }
  });

  it('spreads sizes over the range, the same way at both ends, never below the header', () => {
    const sizes = Array.from({ length: 2000 }, (_, i) => frame.frameSize(sender, BigInt(i), 10, 100));
    expect(Math.min(...sizes)).toBe(frame.HEADER_BYTES);
    expect(Math.max(...sizes)).toBe(100);
  });
});
