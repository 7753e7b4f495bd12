// A proxy capture read as a timeline (src/report/capture.ts): what is a capture and what is not,
// with the line to look at; how connections become lanes.
import { CaptureFormatError, readCapture } from '../../src/report/capture';

const start = { t: 1000, peer: 'proxy', ev: 'proxy-start', via: 'proxy', listen: '/tmp/p', connect: '/tmp/s', type: 'dgram', seed: 7 };
const data = (t: number, conn: number, sender: string, receiver: string) => ({ t, peer: 'proxy', ev: 'proxy-data', via: 'proxy', conn, sender, receiver, message: 1, bytes: 2, preview: 'hi' });
const lines = (...records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

function problem(text: string): string {
  try {
    readCapture(text, 'c.jsonl');
  } catch (err) {
    if (err instanceof CaptureFormatError) return err.message;
    throw err;
  }
  throw new Error('read without a problem');
}

it('names the line that is not a capture record and what to give instead', () => {
  expect(problem('')).toBe('c.jsonl:1:1: no record: the file is empty; give a file written by `uds-fixture proxy --capture FILE`');
  expect(problem(lines(data(1, 1, 'client', 'server')))).toMatch(/^c\.jsonl:1:1: the first record is "proxy-data", not "proxy-start": the beginning of the capture is missing/);
  expect(problem(lines(start, { t: 5, peer: 'server', ev: 'send' }))).toMatch(/^c\.jsonl:2:1: a record of peer "server": not a capture record \(those are of peer "proxy"\)/);
  expect(problem(lines(start, { peer: 'proxy', ev: 'proxy-open' }))).toMatch(/^c\.jsonl:2:1: a record without a time `t`/);
  expect(problem(lines(start) + '[1,2]\n')).toMatch(/^c\.jsonl:2:1: not an event object with a string "ev"/);
  // Only the last line, with no newline after it, may be cut: elsewhere it is no record.
  expect(problem(lines(start) + '{"t":\n' + lines(data(2, 1, 'client', 'server')))).toMatch(/^c\.jsonl:2:1: not JSON/);
});

it('one client keeps its name; several are a lane each, by connection, in time order', () => {
  const one = readCapture(lines(start, data(3, 1, 'client', 'server'), data(2, 1, 'server', 'client')), 'c.jsonl');
  expect(one.cast.lanes).toEqual(['server', 'proxy', 'client']);
  expect(one.result.timeline.map((r) => r.t)).toEqual([2, 3, 1000]);
  expect(one.stopped).toBe(false);
  const two = readCapture(lines(start, data(2, 2, 'client', 'server'), data(3, 1, 'server', 'client'), { t: 9, peer: 'proxy', ev: 'proxy-stopped', via: 'proxy' }) + '{"t":10,"peer":"pro', 'c.jsonl');
  expect(two.cast.lanes).toEqual(['server', 'proxy', 'client#1', 'client#2']);
  expect(two.result.timeline.filter((r) => r.ev === 'proxy-data').map((r) => [r.sender, r.receiver])).toEqual([['client#2', 'server'], ['server', 'client#1']]);
  expect(two.cast.scripted.size).toBe(0);
  expect(two).toMatchObject({ stopped: true, cutLine: 5 });
  expect(two.result.name).toBe('uds-fixture proxy dgram /tmp/p → /tmp/s, seed 7');
});
