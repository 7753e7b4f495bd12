// The pure parts of the peer: the sequence frame format, byte previews, descriptor accounting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeBytes } from '../../src/peer/describe';
import { nativeStepsAllowed } from '../../src/peer/exchange';
import { compareFdSnapshots, takeFdSnapshot } from '../../src/peer/fd-accounting';
import { dataFrame, decodeEnd, decodeFrame, END_SEQ, endFrame, HEADER_BYTES, senderNumber, spreadSize } from '../../src/traffic/frame';

describe('sequence frames', () => {
  const sender = senderNumber('client-2');

  it('round-trips sender, sequence number and a payload of the requested size', () => {
    const frame = dataFrame(sender, 41, 100);
    expect(frame.length).toBe(100);
    const decoded = decodeFrame(frame);
    expect(decoded).toMatchObject({ ok: true, sender, seq: 41n });
    expect(decoded.ok && decoded.payload.length).toBe(100 - HEADER_BYTES);
  });

  it('never makes a frame smaller than its header', () => {
    expect(dataFrame(sender, 0, 4).length).toBe(HEADER_BYTES);
  });

  it('detects any flipped byte, a cut frame and a lying length field', () => {
    const frame = dataFrame(sender, 7, 64);
    for (const at of [0, 5, 13, 17, 40, 63]) {
      const bad = Buffer.from(frame);
      bad[at]! ^= 0x01;
      expect(decodeFrame(bad).ok).toBe(false);
    }
    expect(decodeFrame(frame.subarray(0, 10))).toEqual({ ok: false, reason: expect.stringContaining('short frame') });
    expect(decodeFrame(frame.subarray(0, 60))).toEqual({ ok: false, reason: expect.stringContaining('length field') });
  });

  it('marks the end with the count sent and the sender id', () => {
    const decoded = decodeFrame(endFrame(sender, 1234, 'client-2'));
    expect(decoded).toMatchObject({ ok: true, seq: END_SEQ });
    expect(decoded.ok && decodeEnd(decoded.payload)).toEqual({ count: 1234, id: 'client-2' });
  });

  it('spreads sizes over the whole range, the same way for the same sender', () => {
    const sizes = Array.from({ length: 500 }, (_, seq) => spreadSize(sender, BigInt(seq), 20, 30));
    expect(Array.from({ length: 500 }, (_, seq) => spreadSize(sender, BigInt(seq), 20, 30))).toEqual(sizes);
    expect(Math.min(...sizes)).toBe(20);
    expect(Math.max(...sizes)).toBe(30);
  });
});

describe('describeBytes', () => {
  it('shows printable bytes as quoted text and others as hex, cut at a limit', () => {
    expect(describeBytes(Buffer.from('hello\n'))).toBe('"hello\\n"');
    expect(describeBytes(Buffer.from([0, 255, 1]))).toBe('hex 00ff01');
    expect(describeBytes(Buffer.from('x'.repeat(100)), 4)).toBe('"xxxx"… (100 bytes)');
  });
});

describe('descriptor accounting', () => {
  it('names a descriptor opened after the first snapshot and left open', () => {
    const file = path.join(os.tmpdir(), `udsp-leak-${process.pid}`);
    fs.writeFileSync(file, '');
    const before = takeFdSnapshot();
    const fd = fs.openSync(file, 'r');
    try {
      const report = compareFdSnapshots(before, takeFdSnapshot());
      expect(report.after).toBe(report.before + 1);
      if (process.platform === 'linux' || process.platform === 'darwin') expect(report.leaked).toEqual([fd]);
      if (process.platform === 'linux') expect(report.leakedTargets).toEqual([file]);
    } finally {
      fs.closeSync(fd);
      fs.unlinkSync(file);
    }
    const after = compareFdSnapshots(before, takeFdSnapshot());
    expect(after.leaked).toEqual([]);
  });
});

describe('UDS_FIXTURE_NATIVE_STEPS', () => {
  it('is on unless it says 0, and a value that is neither is refused by name', () => {
    expect(nativeStepsAllowed({})).toBe(true);
    expect(nativeStepsAllowed({ UDS_FIXTURE_NATIVE_STEPS: '1' })).toBe(true);
    expect(nativeStepsAllowed({ UDS_FIXTURE_NATIVE_STEPS: '0' })).toBe(false);
    expect(() => nativeStepsAllowed({ UDS_FIXTURE_NATIVE_STEPS: 'false' })).toThrow('UDS_FIXTURE_NATIVE_STEPS must be 0 (steps in JavaScript) or 1 (the default: literal send/recv runs in native code), got "false"');
  });
});
