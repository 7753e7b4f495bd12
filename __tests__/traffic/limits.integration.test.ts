// What the engine promises beyond counting: a prompt stop when its socket is closed or it is
// cancelled, and boundary violations told apart from corruption. Its bounded memory is measured,
// not asserted: `npm run bench` reports the receiving peer's peak RSS at 1 M (and, with --big,
// 10 M) messages against the 80 MiB target.
import { UnixSocket } from '../../src/socket';
import { receiveTraffic, frame } from '../../src/traffic';


it('stops when its socket is closed: the run rejects with ECANCELED', async () => {
  const [a, b] = UnixSocket.pair('stream');
  try {
    const run = receiveTraffic(b, { count: 10, size: { min: 64, max: 64 } });
    b.close();
    await expect(run.result).rejects.toMatchObject({ code: 'ECANCELED', summary: expect.objectContaining({ stopped: 'closed', received: 0 }) });
  } finally {
    a.close();
    b.close();
  }
});

it('stops on cancel() with what it counted so far', async () => {
  const [a, b] = UnixSocket.pair('dgram');
  try {
    const run = receiveTraffic(b, { count: 10, size: { min: 64, max: 64 } });
    await a.send(frame.dataFrame(frame.senderNumber('client'), 0, 64));
    run.cancel();
    const summary = await run.result;
    expect(summary.stopped).toBe('cancelled');
    expect(summary.received).toBeLessThanOrEqual(1);
  } finally {
    a.close();
    b.close();
  }
});

it('tells a message that does not match its header (a boundary violation) from corruption', async () => {
  const [a, b] = UnixSocket.pair('dgram');
  try {
    const run = receiveTraffic(b, { count: 2, size: { min: 64, max: 64 } });
    const sender = frame.senderNumber('client');
    const whole = frame.dataFrame(sender, 0, 64);
    await a.send(whole.subarray(0, 48)); // the first 48 bytes of a 64-byte frame
    await a.send(Buffer.concat([frame.dataFrame(sender, 1, 64)]));
    await a.send(frame.endFrame(sender, 2, 'client'));
    const summary = await run.result;
    expect(summary).toMatchObject({ boundaryViolations: 1, corrupt: 0, unique: 1, lost: 1 });
    expect(summary.anomalies[0]!.text).toBe('message 1 is 48 bytes but carries a frame of 64 (#0): boundaries not preserved');
  } finally {
    a.close();
    b.close();
  }
});
