import { durationMs, modeBits, sizeRange } from '../../src/scenario/units';
import { InvalidDurationError, parseDuration } from '../../src/scenario';

describe('durations', () => {
  it.each<[string | number, number]>([
    ['500ms', 500],
    ['2s', 2000],
    ['1.5s', 1500],
    ['1m', 60_000],
    ['0s', 0],
    [250, 250],
    [0, 0],
  ])('%p is %d ms', (input, ms) => {
    expect(durationMs(input)).toEqual({ ok: true, value: ms });
  });

  it.each(['fast', '2', '2 sec', '-1s', '1h', '', 's'])('%p is not a duration', (input) => {
    expect(durationMs(input)).toMatchObject({ ok: false, message: expect.stringContaining('must be a duration like `500ms` or `2s`') });
  });

  it('rejects what a timer cannot hold, naming the limit', () => {
    expect(durationMs('40000m')).toMatchObject({ ok: false, message: expect.stringContaining('at most 2147483647 ms') });
    expect(durationMs(-5)).toMatchObject({ ok: false });
    expect(durationMs(Number.NaN)).toMatchObject({ ok: false });
  });

  it('parseDuration throws a coded error for the command line', () => {
    expect(parseDuration('2s')).toBe(2000);
    expect(() => parseDuration('soon')).toThrow(InvalidDurationError);
    expect(() => parseDuration('soon')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_DURATION', value: 'soon' }));
  });
});

describe('sizes', () => {
  it.each<[string | number, { min: number; max: number }]>([
    [64, { min: 64, max: 64 }],
    ['64', { min: 64, max: 64 }],
    ['1..4096', { min: 1, max: 4096 }],
    [' 64 .. 65536 ', { min: 64, max: 65536 }],
    ['16777216', { min: 16777216, max: 16777216 }],
  ])('%p is %p', (input, range) => {
    expect(sizeRange(input)).toEqual({ ok: true, value: range });
  });

  it.each<[string | number, string]>([
    ['4096..1', 'minimum above its maximum'],
    [0, 'at least 1 byte'],
    ['0..5', 'at least 1 byte'],
    ['1..16777217', 'at most 16777216 bytes (16 MiB)'],
    ['big', 'must be a size like'],
    ['1...4', 'must be a size like'],
    [1.5, 'must be a size like'],
  ])('%p is rejected: %s', (input, message) => {
    expect(sizeRange(input)).toMatchObject({ ok: false, message: expect.stringContaining(message) });
  });
});

describe('modes', () => {
  it('reads strings as octal and YAML numbers written with a leading zero as octal', () => {
    expect(modeBits('0644')).toEqual({ ok: true, value: 0o644 });
    expect(modeBits('0o600')).toEqual({ ok: true, value: 0o600 });
    expect(modeBits('755')).toEqual({ ok: true, value: 0o755 });
    expect(modeBits(644, '0644')).toEqual({ ok: true, value: 0o644 });
    expect(modeBits(420)).toEqual({ ok: true, value: 0o644 });
    expect(modeBits('0999')).toMatchObject({ ok: false });
    expect(modeBits(0o17777)).toMatchObject({ ok: false });
  });
});
