// A `uds-fixture proxy --capture` file read as a timeline. Its records are those a scenario's
// timeline has for its proxy (peer `proxy`, `sender`/`receiver` `client` and `server`), so the one
// timeline model draws both. The ends of a standalone proxy are programs nobody scripted: they
// record no sends or receives, so each message is drawn level at the proxy's read, into the proxy
// and out of it. Each connection's client is a lane of its own once there are several.

import { isPeerEvent, parseEventLine, PROXY_PEER, type PeerEvent } from '../protocol/events';
import type { ScenarioResult } from '../judge/result';
import type { Cast } from './timeline-model';

/** A line of the file that is not a capture record: where, and what to do. */
export class CaptureFormatError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    what: string,
  ) {
    super(`${file}:${line}:${col}: ${what}`);
    this.name = 'CaptureFormatError';
  }
}

export interface CaptureTimeline {
  /** the records as a run's result: no peers, no verdicts, the timeline in time order */
  result: ScenarioResult;
  cast: Cast;
  /** `proxy-stopped` closes the file: without it the proxy was killed, not stopped */
  stopped: boolean;
  /** a last line cut in the middle (the proxy was killed while writing it), left out */
  cutLine?: number;
}

const NOT_A_CAPTURE = 'give a file written by `uds-fixture proxy --capture FILE`';

/** Reads a capture's text; throws CaptureFormatError at the first line that is not a record. */
export function readCapture(text: string, file: string): CaptureTimeline {
  const lines = text.split('\n');
  const records: PeerEvent[] = [];
  let cutLine: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const parsed = parseEventLine(lines[i]!);
    if (parsed === undefined) continue;
    if ('malformed' in parsed) {
      // The proxy writes whole lines; only a kill can leave the last one without its end.
      const last = i === lines.length - 1 && !text.endsWith('\n') && records.length > 0;
      if (last && parsed.malformed === 'not JSON') {
        cutLine = i + 1;
        break;
      }
      throw new CaptureFormatError(file, i + 1, 1, `${parsed.malformed}: not a capture record; ${NOT_A_CAPTURE}`);
    }
    const record = parsed.fields;
    if (!isPeerEvent(record) || record.peer !== PROXY_PEER) {
      const what = typeof record.t === 'number' ? `a record of peer "${String(record.peer)}"` : 'a record without a time `t`';
      throw new CaptureFormatError(file, i + 1, 1, `${what}: not a capture record (those are of peer "${PROXY_PEER}"); ${NOT_A_CAPTURE}`);
    }
    if (records.length === 0 && record.ev !== 'proxy-start') {
      throw new CaptureFormatError(file, i + 1, 1, `the first record is "${record.ev}", not "proxy-start": the beginning of the capture is missing; ${NOT_A_CAPTURE}`);
    }
    records.push(record);
  }
  if (records.length === 0) throw new CaptureFormatError(file, 1, 1, `no record: the file is empty; ${NOT_A_CAPTURE}`);
  return toTimeline(records, file, cutLine);
}

function toTimeline(records: PeerEvent[], file: string, cutLine: number | undefined): CaptureTimeline {
  const start = records[0]!;
  const conns = new Set<number>();
  for (const r of records) if (typeof r.conn === 'number' && (r.sender === 'client' || r.receiver === 'client')) conns.add(r.conn);
  // One client keeps the name the capture gives it; several are told apart by their connection.
  const clientLane = (conn: unknown): string => (conns.size > 1 && typeof conn === 'number' ? `client#${conn}` : 'client');
  const lane = (end: unknown, conn: unknown): unknown => (end === 'client' ? clientLane(conn) : end);
  const timeline = records
    .map((r) => (r.sender === undefined && r.receiver === undefined ? r : { ...r, sender: lane(r.sender, r.conn), receiver: lane(r.receiver, r.conn) }))
    .sort((a, b) => a.t - b.t);
  const clients = conns.size > 1 ? [...conns].sort((a, b) => a - b).map(clientLane) : ['client'];
  const stopped = timeline.some((r) => r.ev === 'proxy-stopped');
  const first = timeline[0]!.t;
  const last = timeline[timeline.length - 1]!.t;
  const result: ScenarioResult = {
    name: `uds-fixture proxy ${String(start.type ?? 'stream')} ${String(start.listen)} → ${String(start.connect)}, seed ${String(start.seed)}`,
    file,
    passed: stopped,
    failures: [],
    warnings: [],
    peers: [],
    timeline,
    durationMs: (last - first) / 1e6,
    tags: [],
  };
  return { result, cast: { lanes: ['server', PROXY_PEER, ...clients], scripted: new Set() }, stopped, ...(cutLine !== undefined ? { cutLine } : {}) };
}
