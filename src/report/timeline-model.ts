// One reading of a run's timeline that every timeline renderer shares: which peers are lanes, and
// which events become arrows (data and descriptors crossing), notes (what a peer did) or failures.

import type { PeerEvent } from '../protocol/events';
import type { ScenarioResult } from '../judge/result';
import { SMALL_EXCHANGE } from '../traffic/types';
import { proxyNoteLabel } from './proxy-notes';

export type TimelineItem =
  | { kind: 'arrow'; t: number; from: string; to: string; label: string; bulk: boolean; fds: boolean }
  | { kind: 'note'; t: number; peer: string; label: string }
  | { kind: 'failure'; t: number; peer: string; label: string };

export interface TimelineModel {
  lanes: string[];
  items: TimelineItem[];
  /** monotonic ns of the first event, so renderers can print relative times */
  t0: number;
}

const SENDS = new Set(['send', 'sendFds']);
const QUIET = new Set(['start', 'recv', 'recvFds', 'fds']);

/** Where a send went: the event's own `to` when it names a peer, else the other side of the pair. */
function destination(ev: PeerEvent, lanes: string[]): string {
  if (typeof ev.to === 'string' && lanes.includes(ev.to)) return ev.to;
  if (ev.peer === 'server') return lanes.find((l) => l !== 'server' && l !== 'harness') ?? 'server';
  return lanes.includes('server') ? 'server' : ev.peer;
}

function sizeLabel(ev: PeerEvent): string {
  return typeof ev.bytes === 'number' ? `${ev.bytes} B` : '';
}

function describeSend(ev: PeerEvent): string {
  if (ev.ev === 'sendFds') {
    const n = Array.isArray(ev.fds) ? ev.fds.length : typeof ev.count === 'number' ? ev.count : '?';
    return `sendFds ×${n}`;
  }
  const preview = typeof ev.text === 'string' ? ` "${ev.text.length > 24 ? ev.text.slice(0, 24) + '…' : ev.text}"` : '';
  return `send ${sizeLabel(ev)}${preview}`.trim();
}

function describeTraffic(ev: PeerEvent): string {
  const count = typeof ev.count === 'number' ? ev.count : typeof ev.received === 'number' ? ev.received : '?';
  const size = typeof ev.size === 'string' || typeof ev.size === 'number' ? ` × ${ev.size} B` : '';
  return `${count}${size} sequence`;
}

/** "the clients ended" / "the server ended", from a harness event's `from`. */
function othersDone(ev: PeerEvent): string {
  return ev.from === 'server' ? 'the server ended' : 'the clients ended';
}

/**
 * A harness event about a peer's planned stop or its end, as a note on that peer's lane; undefined
 * for harness events drawn otherwise (or not at all). Only ends after a planned stop began are
 * drawn: the others are the ordinary end of a peer's own work.
 */
function lifecycleNote(ev: PeerEvent, lanes: string[]): TimelineItem | undefined {
  const peer = typeof ev.target === 'string' && lanes.includes(ev.target) ? ev.target : undefined;
  if (!peer) return undefined;
  if (ev.ev === 'stop-wait') return { kind: 'note', t: ev.t, peer, label: `harness: ${othersDone(ev)}; waiting up to ${String(ev.afterMs)} ms for ${peer} to end by itself` };
  if (ev.ev === 'stop') return { kind: 'note', t: ev.t, peer, label: `harness: planned stop, ${String(ev.signal)}` };
  // An end after a planned stop began; one at the timeout or an abort is drawn as the failure it is.
  if (ev.ev === 'exit' && (ev.end === 'planned-stop' || (ev.end === 'self' && typeof ev.afterMs === 'number'))) {
    const how = typeof ev.signal === 'string' ? `killed by ${ev.signal}` : `exited ${String(ev.code)}`;
    const who = ev.end === 'planned-stop' ? 'stopped by the harness' : `ended by itself ${String(ev.afterMs)} ms after ${othersDone(ev)}`;
    return { kind: 'note', t: ev.t, peer, label: `${who}, ${how}` };
  }
  return undefined;
}

export function buildTimelineModel(result: ScenarioResult): TimelineModel {
  const seen = new Set<string>();
  for (const p of result.peers) seen.add(p.id);
  for (const ev of result.timeline) if (ev.peer !== 'harness') seen.add(ev.peer);
  const lanes = [...seen].sort((a, b) => (a === 'server' ? -1 : b === 'server' ? 1 : a.localeCompare(b, 'en', { numeric: true })));
  const items: TimelineItem[] = [];
  // Flows of a small exchange, drawn message by message: their sender's summary arrow would repeat them.
  const perMessage = new Set(result.timeline.filter((ev) => ev.ev === 'message' && typeof ev.from === 'string').map((ev) => `${String(ev.from)}→${ev.peer}`));
  for (const ev of result.timeline) {
    if (ev.peer === 'harness') {
      const note = lifecycleNote(ev, lanes);
      if (note) items.push(note);
      else if (ev.ev === 'timeout' || ev.ev === 'kill') items.push({ kind: 'failure', t: ev.t, peer: lanes[0] ?? 'harness', label: `harness: ${ev.ev}${typeof ev.message === 'string' ? ' — ' + ev.message : ''}` });
      continue;
    }
    if (ev.ev === 'send' && typeof ev.messages === 'number') {
      continue; // the step that sent sequence traffic: its `traffic` summary (or messages) draw it
    } else if (SENDS.has(ev.ev)) {
      items.push({ kind: 'arrow', t: ev.t, from: ev.peer, to: destination(ev, lanes), label: describeSend(ev), bulk: false, fds: ev.ev === 'sendFds' });
    } else if (ev.ev === 'message' && typeof ev.from === 'string' && lanes.includes(ev.from)) {
      items.push({ kind: 'arrow', t: ev.t, from: ev.from, to: ev.peer, label: `#${String(ev.seq)} ${sizeLabel(ev)}`.trim(), bulk: false, fds: false });
    } else if (ev.ev === 'traffic') {
      const to = destination(ev, lanes);
      const drawn = typeof ev.count === 'number' && ev.count <= SMALL_EXCHANGE && perMessage.has(`${ev.peer}→${to}`);
      if (ev.role === 'sender' && drawn) continue;
      if (ev.role === 'sender') items.push({ kind: 'arrow', t: ev.t, from: ev.peer, to, label: describeTraffic(ev), bulk: true, fds: false });
      else items.push({ kind: 'note', t: ev.t, peer: ev.peer, label: `received ${describeTraffic(ev)}` });
    } else if (ev.ev === 'fail') {
      items.push({ kind: 'failure', t: ev.t, peer: ev.peer, label: `${String(ev.code ?? 'fail')}: ${String(ev.message ?? '')}` });
    } else if (ev.ev === 'error') {
      items.push({ kind: 'note', t: ev.t, peer: ev.peer, label: `expected error ${String(ev.code ?? '')}` });
    } else if (ev.via === 'proxy') {
      items.push({ kind: 'note', t: ev.t, peer: ev.peer, label: proxyNoteLabel(ev) });
    } else if (!QUIET.has(ev.ev)) {
      items.push({ kind: 'note', t: ev.t, peer: ev.peer, label: ev.ev });
    }
  }
  const lastT = result.timeline.length ? result.timeline[result.timeline.length - 1]!.t : 0;
  for (const p of result.peers) {
    // A peer that answered its planned stop by dying of the stop signal did what was asked; its note says so.
    const answered = p.end === 'planned-stop' && p.signal === p.plannedStop?.signal;
    if (p.signal && !answered) items.push({ kind: 'failure', t: lastT, peer: p.id, label: `killed by ${p.signal}` });
  }
  return { lanes, items, t0: result.timeline[0]?.t ?? 0 };
}

/** `+12.345 ms` relative to the first event. */
export function relativeTime(t: number, t0: number): string {
  return `+${((t - t0) / 1e6).toFixed(3)} ms`;
}
