// The addon's engine entry points are the last guard for a direct caller: TypeScript validates
// every option first, but a count native code cannot represent (negative, NaN, fractional) is a
// RangeError naming it, not a cast with undefined behaviour; and the sender keeps frames within
// the limit every receiver enforces, as the receiver does.
import { UnixSocket } from '../../src/socket';
import { receiveTraffic } from '../../src/traffic';
import { trafficBinding, type NativeOutcome } from '../../src/traffic/native';
import { binding } from '../../src/socket/binding';

const MiB = 1024 * 1024;

describe('counts that are not whole numbers', () => {
  const { constants } = binding();
  const spec = { type: constants.SOCK_STREAM, sender: 1, id: Buffer.from('x'), count: 1, minSize: 64, maxSize: 64, to: null };

  it.each([-1, NaN, 1.5, Infinity, '3'])('trafficSend count %p is a RangeError naming count', (count) => {
    const [a, b] = UnixSocket.pair('stream');
    try {
      expect(() => trafficBinding().trafficSend(a.fd, { ...spec, count } as never, () => undefined)).toThrow(
        expect.objectContaining({ name: 'RangeError', message: expect.stringMatching(/^uds-fixture native: count must be a whole number from 0 to 9007199254740991, got /) }),
      );
    } finally {
      a.close();
      b.close();
    }
  });

  it('trafficReceive, fdSend, fdReceive and trafficFrame refuse a negative or NaN count the same way', () => {
    const [a, b] = UnixSocket.pair('stream');
    const t = trafficBinding();
    try {
      expect(() => t.trafficReceive(a.fd, { type: constants.SOCK_STREAM, count: NaN, maxSize: 64, listArrivals: 0, more: [] }, () => undefined)).toThrow(/count must be a whole number/);
      expect(() => t.trafficReceive(a.fd, { type: constants.SOCK_STREAM, count: 1, maxSize: -5, listArrivals: 0, more: [] }, () => undefined)).toThrow(/maxSize must be a whole number/);
      expect(() => t.fdSend(a.fd, { type: constants.SOCK_STREAM, fds: [0], data: Buffer.from('F'), repeat: -1, to: null }, () => undefined)).toThrow(/repeat must be a whole number/);
      expect(() => t.fdReceive(a.fd, { type: constants.SOCK_STREAM, repeat: 1, count: NaN, room: 1, truncated: false, dataBytes: 1, data: null, expect: [] }, () => undefined)).toThrow(/count must be a whole number/);
      expect(() => t.trafficFrame(1, NaN, 64, 0)).toThrow(/seq must be a whole number/);
      expect(() => t.trafficFrame(1, -1, 64, 0)).toThrow(/seq must be a whole number/);
    } finally {
      a.close();
      b.close();
    }
  });
});

it('the sender clamps its frame sizes to the 16 MiB frame limit, as the receiver does', async () => {
  const { constants } = binding();
  const [a, b] = UnixSocket.pair('stream');
  try {
    // A 32 MiB frame would be lost framing to any receiver (its length is over the limit).
    const received = receiveTraffic(b, { count: 1, size: { min: 16 * MiB, max: 16 * MiB } }).result;
    const sent = await new Promise<NativeOutcome>((resolve, reject) => {
      const started = trafficBinding().trafficSend(a.fd, { type: constants.SOCK_STREAM, sender: 7, id: Buffer.from('big'), count: 1, minSize: 32 * MiB, maxSize: 32 * MiB, to: null }, resolve);
      if (typeof started === 'number') reject(new Error(`trafficSend: ${started}`));
    });
    expect(sent).toMatchObject({ stopped: 'complete', sent: 1 });
    expect(await received).toMatchObject({ received: 1, unique: 1, corrupt: 0, boundaryViolations: 0, bytes: 16 * MiB, anomalies: [] });
  } finally {
    a.close();
    b.close();
  }
});
