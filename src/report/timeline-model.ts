// One reading of a run's timeline that every timeline renderer shares: which peers are lanes, and
// which events become arrows (data and descriptors crossing, each from its send to the receive that
// took it), notes (what a peer did) or failures.
//
// Events are dated at the system call (a send as its sendmsg began, a receive as its recvmsg
// returned, a connect as its connect began, an accept as its accept returned), so a receive is
// never earlier than the send it took bytes from, nor an accept than the connect it took; pairing
// only ever joins a receive to a send at or before it, and the renderers draw items in time order.

import { PROXY_PEER as PROXY_LANE, type PeerEvent } from '../protocol/events';
import type { ScenarioResult } from '../judge/result';
import { SMALL_EXCHANGE } from '../traffic/types';
import { cutEnd, isCutDelivery, proxyDataLabel, proxyNoteLabel } from './proxy-notes';

export interface ArrowEnd {
  /** when the receiver took the message (the receive's syscall) */
  t: number;
  /** the receive failed on what it took (its `fail` event is drawn at the same point) */
  failed: boolean;
}

export type TimelineItem =
  | {
      kind: 'arrow';
      /** when the sender sent (or, for a receive whose send is unknown, when it was received) */
      t: number;
      from: string;
      to: string;
      /** short: byte count and a cut preview */
      label: string;
      /** everything known about the message, uncut (a tooltip) */
      detail: string;
      bulk: boolean;
      fds: boolean;
      /** the receive that took it; absent when none did, or none is known */
      end?: ArrowEnd;
      /** a scripted receiver never took it */
      lost?: boolean;
    }
  | { kind: 'note'; t: number; peer: string; label: string }
  | { kind: 'failure'; t: number; peer: string; label: string };

export type ArrowItem = Extract<TimelineItem, { kind: 'arrow' }>;

export interface TimelineModel {
  lanes: string[];
  /** in time order (of `t`) */
  items: TimelineItem[];
  /** monotonic ns of the first event, so renderers can print relative times */
  t0: number;
  /** latencies of sequence traffic, per receiver, for the latency picture */
  latencies: LatencyPicture[];
}

/** What a receiver's sequence traffic says about one-way latency. */
export interface LatencyPicture {
  receiver: string;
  /** ns, one per message of a small exchange; empty for bulk traffic (only its summary is kept) */
  samples: number[];
  count: number;
  minNs: number;
  p50Ns: number;
  p99Ns: number;
  maxNs: number;
}

const PREVIEW_CHARS = 24;
const QUIET = new Set(['start', 'recv', 'recvFds', 'fds']);

/** A payload preview cut to a label's length; the full text goes in the arrow's detail. */
export function preview(text: string, max = PREVIEW_CHARS): string {
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

function isLane(value: unknown, lanes: readonly string[]): value is string {
  return typeof value === 'string' && lanes.includes(value);
}

/**
 * The peer a pid belongs to, from the run's `start` events: a scripted peer names the process at
 * the other end of a connection in its event (`fromPid`, `toPid`) when that peer's own `start` had
 * not reached it yet.
 */
function byPid(timeline: readonly PeerEvent[]): Map<number, string> {
  const owners = new Map<number, string>();
  for (const e of timeline) if (e.ev === 'start' && typeof e.pid === 'number' && e.peer !== 'harness') owners.set(e.pid, e.peer);
  return owners;
}

/** `fromPeer`/`toPeer` as the event names it, else the owner of `fromPid`/`toPid`. */
function named(ev: PeerEvent, dir: 'from' | 'to', owners: ReadonlyMap<number, string>): unknown {
  const id = ev[`${dir}Peer`];
  if (id !== undefined) return id;
  const pid = ev[`${dir}Pid`];
  return typeof pid === 'number' ? owners.get(pid) : undefined;
}

/** Where a send went: the peer it names, else the other side of the pair. */
function destination(ev: PeerEvent, lanes: string[], owners: ReadonlyMap<number, string>): string {
  const toPeer = named(ev, 'to', owners);
  if (isLane(toPeer, lanes)) return toPeer;
  if (isLane(ev.to, lanes)) return ev.to;
  if (ev.peer === 'server') return lanes.find((l) => l !== 'server' && l !== 'harness') ?? 'server';
  return lanes.includes('server') ? 'server' : ev.peer;
}

/** Where a receive came from: the peer it names, else the only candidate; undefined when unknown. */
function source(ev: PeerEvent, lanes: string[], owners: ReadonlyMap<number, string>): string | undefined {
  const fromPeer = named(ev, 'from', owners);
  if (isLane(fromPeer, lanes)) return fromPeer;
  if (ev.peer !== 'server') return lanes.includes('server') ? 'server' : undefined;
  const others = lanes.filter((l) => l !== 'server');
  return others.length === 1 ? others[0] : undefined;
}

function bytesOf(ev: PeerEvent): number | undefined {
  return typeof ev.bytes === 'number' ? ev.bytes : undefined;
}

function sizeLabel(ev: PeerEvent): string {
  const bytes = bytesOf(ev);
  return bytes === undefined ? '' : `${bytes} B`;
}

function dataText(ev: PeerEvent): string | undefined {
  return typeof ev.data === 'string' ? ev.data : typeof ev.text === 'string' ? JSON.stringify(ev.text) : undefined;
}

function fdCount(ev: PeerEvent): number | string {
  return Array.isArray(ev.fds) ? ev.fds.length : typeof ev.count === 'number' ? ev.count : '?';
}

function describeTraffic(ev: PeerEvent): string {
  const count = typeof ev.count === 'number' ? ev.count : typeof ev.received === 'number' ? ev.received : '?';
  const size = typeof ev.size === 'string' || typeof ev.size === 'number' ? ` × ${ev.size} B` : '';
  return `${count}${size} sequence`;
}

/** A receiver's summary: how many of how many arrived. */
function receivedTraffic(ev: PeerEvent): string {
  const size = typeof ev.size === 'string' || typeof ev.size === 'number' ? ` × ${ev.size} B` : '';
  const of = typeof ev.count === 'number' && ev.received !== ev.count ? ` of ${ev.count}` : '';
  return `received ${typeof ev.received === 'number' ? ev.received : '?'}${of}${size} sequence${ev.partial === true ? ' (when the step timed out)' : ''}`;
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
  const peer = isLane(ev.target, lanes) ? ev.target : undefined;
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

/** One direction between two peers, and whether descriptors or bytes travel on it. */
type ChannelKey = string;
const channel = (from: string, to: string, fds: boolean): ChannelKey => `${fds ? 'fds' : 'data'}:${from}→${to}`;

interface Pending {
  send: PeerEvent;
  arrow: ArrowItem;
}

/**
 * Pairs every send with the receive that took it, per channel and in order: on a byte stream, the
 * receive that took the send's last byte; on a message socket (and for descriptors), the receive
 * of the same rank. A receive is only ever paired with a send dated at or before it.
 */
class Pairing {
  private readonly sends = new Map<ChannelKey, Pending[]>();
  private readonly sentBytes = new Map<ChannelKey, number>();
  private readonly takenBytes = new Map<ChannelKey, number>();

  constructor(private readonly messageOriented: boolean) {}

  addSend(key: ChannelKey, send: PeerEvent, arrow: ArrowItem): void {
    const end = (this.sentBytes.get(key) ?? 0) + (bytesOf(send) ?? 0);
    this.sentBytes.set(key, end);
    const list = this.sends.get(key) ?? [];
    list.push({ send: { ...send, cumulative: end }, arrow });
    this.sends.set(key, list);
  }

  /**
   * Ends the arrows of the sends `receive` completed. False when it took bytes of no send known to
   * have been sent before it (it is then drawn on its own); a receive that took part of a send is
   * that send's.
   */
  /** Whether a send on this channel, dated at or before `t`, is still waiting for its receive. */
  waiting(key: ChannelKey, t: number): boolean {
    const first = this.sends.get(key)?.[0];
    return first !== undefined && first.send.t <= t;
  }

  addReceive(key: ChannelKey, receive: PeerEvent, failed: boolean, byMessage: boolean): boolean {
    const list = this.sends.get(key) ?? [];
    const end: ArrowEnd = { t: receive.t, failed };
    const first = list[0];
    if (byMessage || this.messageOriented) {
      if (!first || first.send.t > receive.t) return false;
      list.shift();
      first.arrow.end = end;
      return true;
    }
    const taken = (this.takenBytes.get(key) ?? 0) + (bytesOf(receive) ?? 0);
    this.takenBytes.set(key, taken);
    const ours = first !== undefined && first.send.t <= receive.t;
    while (list.length > 0 && (list[0]!.send.cumulative as number) <= taken && list[0]!.send.t <= receive.t) list.shift()!.arrow.end = end;
    return ours;
  }
}

/** Which step (by peer and index) a failure was on: a fail event names only the index. */
function failedStepNames(result: ScenarioResult): Map<string, string> {
  const names = new Map<string, string>();
  for (const f of result.failures) if (f.peer && f.step) names.set(`${f.peer}#${f.step.index}`, f.step.name);
  return names;
}

/** Peers the harness started as scripted peers: they write a receive event for all they take. */
function scriptedPeers(result: ScenarioResult): Set<string> {
  const spawned = result.timeline.filter((e) => e.peer === 'harness' && e.ev === 'spawn' && typeof e.target === 'string');
  if (spawned.length === 0) return new Set(result.peers.map((p) => p.id));
  return new Set(spawned.filter((e) => e.program === 'steps').map((e) => e.target as string));
}

function latencyPictures(timeline: readonly PeerEvent[]): LatencyPicture[] {
  const pictures: LatencyPicture[] = [];
  for (const ev of timeline) {
    if (ev.ev !== 'traffic' || ev.role !== 'receiver' || ev.partial === true) continue;
    const latency = ev.latency as { count?: number; minNs?: number; p50Ns?: number; p99Ns?: number; maxNs?: number } | undefined;
    if (!latency || typeof latency.p50Ns !== 'number') continue;
    const samples = timeline.filter((m) => m.ev === 'message' && m.peer === ev.peer && typeof m.latencyNs === 'number').map((m) => m.latencyNs as number);
    pictures.push({
      receiver: ev.peer,
      samples,
      count: latency.count ?? samples.length,
      minNs: latency.minNs ?? 0,
      p50Ns: latency.p50Ns,
      p99Ns: latency.p99Ns ?? latency.p50Ns,
      maxNs: latency.maxNs ?? latency.p99Ns ?? latency.p50Ns,
    });
  }
  return pictures;
}

/**
 * Who takes part: the lanes in the order drawn, and which of them are scripted peers (they record
 * their sends and receives, so an arrow to one that no receive took was never received).
 */
export interface Cast {
  lanes: string[];
  scripted: ReadonlySet<string>;
}

/** A run's cast: its peers and whoever wrote events, the server first, then the proxy, then the clients. */
export function castOf(result: ScenarioResult): Cast {
  const seen = new Set<string>();
  for (const p of result.peers) seen.add(p.id);
  for (const ev of result.timeline) if (ev.peer !== 'harness') seen.add(ev.peer);
  // The proxy sits between the server and the clients, so a message through it crosses no other lane.
  const rank = (lane: string): number => (lane === 'server' ? 0 : lane === PROXY_LANE ? 1 : 2);
  return { lanes: [...seen].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true })), scripted: scriptedPeers(result) };
}

export function buildTimelineModel(result: ScenarioResult, cast: Cast = castOf(result)): TimelineModel {
  const { lanes, scripted } = cast;
  const items: TimelineItem[] = [];
  const stepNames = failedStepNames(result);
  const messageOriented = result.timeline.some((e) => (e.ev === 'listen' || e.ev === 'bind' || e.ev === 'connect') && (e.type === 'dgram' || e.type === 'seqpacket'));
  const pairing = new Pairing(messageOriented);
  const owners = byPid(result.timeline);
  // Flows of a small exchange, drawn message by message: their sender's summary arrow would repeat them.
  const perMessage = new Set(result.timeline.filter((ev) => ev.ev === 'message' && typeof ev.from === 'string').map((ev) => `${String(ev.from)}→${ev.peer}`));

  // Through a proxy that captures (scenario `proxy:`), every send goes to the proxy's lane and
  // every receive comes from it; each `proxy-data` event takes the one and sends on the other.
  const proxied = lanes.includes(PROXY_LANE) && result.timeline.some((e) => e.ev === 'proxy-data');
  const viaProxy = (peer: string, other: string): string => (proxied && peer !== PROXY_LANE && other !== peer && lanes.includes(other) ? PROXY_LANE : other);

  // Messages whose descriptors a proxy fault took off (by connection, direction and number).
  const fdsTakenOff = new Set<string>();
  const proxyMessageKey = (ev: PeerEvent): string => `${String(ev.conn)}:${String(ev.sender)}:${String(ev.message)}`;
  // Messages whose send to the receiver stopped part-way: their `proxy-error` (after the data event)
  // says how many bytes went on, and the proxy's arrow shows only those.
  const cutDeliveries = new Map<string, PeerEvent>();
  for (const ev of result.timeline) if (isCutDelivery(ev)) cutDeliveries.set(proxyMessageKey(ev), ev);

  // Receivers with a receive from nobody knows whom: a send to them may have been taken by it.
  const unknownSources = new Set<string>();
  /** A receive of bytes or descriptors: it ends its send's arrow, or is drawn on its own. */
  const receive = (ev: PeerEvent, fds: boolean, failed: boolean): void => {
    const named = source(ev, lanes, owners);
    const from = proxied && ev.peer !== PROXY_LANE ? PROXY_LANE : named;
    if (from === undefined) unknownSources.add(ev.peer);
    if (from === undefined || from === ev.peer) return;
    // The proxy may have taken the descriptors off a message (dropFds, truncateFds): a recvFds then
    // takes a message that came without any, and that message is still the one it received.
    const taken = from === PROXY_LANE && !pairing.waiting(channel(from, ev.peer, fds), ev.t) && pairing.waiting(channel(from, ev.peer, !fds), ev.t) ? !fds : fds;
    if (pairing.addReceive(channel(from, ev.peer, taken), ev, failed, taken)) return;
    if (!bytesOf(ev)) return; // an end-of-file took nothing; a failed one is its failure's to say
    // Taken from a sender that records no sends (a program), or that nobody saw send it.
    const what = fds ? `recvFds ×${fdCount(ev)}` : `recv ${sizeLabel(ev)}`;
    const data = dataText(ev);
    items.push({ kind: 'arrow', t: ev.t, from, to: ev.peer, label: `${what}${data ? ' ' + preview(data) : ''}`.trim(), detail: `${what}${data ? ' ' + data : ''}`, bulk: false, fds, end: { t: ev.t, failed } });
  };

  for (const ev of result.timeline) {
    if (ev.peer === 'harness') {
      const note = lifecycleNote(ev, lanes);
      if (note) items.push(note);
      else if (ev.ev === 'timeout' || ev.ev === 'kill') items.push({ kind: 'failure', t: ev.t, peer: lanes[0] ?? 'harness', label: `harness: ${ev.ev}${typeof ev.message === 'string' ? ' — ' + ev.message : ''}` });
      continue;
    }
    if ((ev.ev === 'send' || ev.ev === 'recv') && typeof ev.messages === 'number') {
      continue; // a step of sequence traffic: its `traffic` summary (or messages) draw it
    } else if (ev.ev === 'send' || (ev.ev === 'sendFds' && ev.repeat === undefined)) {
      const fds = ev.ev === 'sendFds';
      const to = viaProxy(ev.peer, destination(ev, lanes, owners));
      const data = dataText(ev);
      const what = fds ? `sendFds ×${fdCount(ev)}` : `send ${sizeLabel(ev)}`.trim();
      const arrow: ArrowItem = { kind: 'arrow', t: ev.t, from: ev.peer, to, label: `${what}${data && !fds ? ' ' + preview(data) : ''}`, detail: `${what}${data ? ' ' + data : ''}`, bulk: false, fds };
      if (scripted.has(to) && to !== ev.peer) arrow.lost = true; // until a receive takes it
      items.push(arrow);
      pairing.addSend(channel(ev.peer, to, fds), ev, arrow);
    } else if (ev.ev === 'sendFds') {
      const to = destination(ev, lanes, owners);
      const label = `sendFds ×${fdCount(ev)}, ${String(ev.repeat)} times`;
      items.push({ kind: 'arrow', t: ev.t, from: ev.peer, to, label, detail: label, bulk: true, fds: true });
    } else if (ev.ev === 'recv' || (ev.ev === 'recvFds' && ev.repeat === undefined)) {
      receive(ev, ev.ev === 'recvFds', false);
    } else if (ev.ev === 'message' && isLane(ev.from, lanes)) {
      // One message of a small sequence exchange: sent latencyNs before it arrived.
      const sentAt = typeof ev.latencyNs === 'number' ? ev.t - ev.latencyNs : ev.t;
      const label = `#${String(ev.seq)} ${sizeLabel(ev)}`.trim();
      items.push({ kind: 'arrow', t: sentAt, from: ev.from, to: ev.peer, label, detail: label, bulk: false, fds: false, end: { t: ev.t, failed: false } });
    } else if (ev.ev === 'traffic') {
      const to = destination(ev, lanes, owners);
      const drawn = typeof ev.count === 'number' && ev.count <= SMALL_EXCHANGE && perMessage.has(`${ev.peer}→${to}`);
      if (ev.role === 'sender' && drawn) continue;
      if (ev.role === 'sender') items.push({ kind: 'arrow', t: ev.t, from: ev.peer, to, label: describeTraffic(ev), detail: describeTraffic(ev), bulk: true, fds: false });
      else items.push({ kind: 'note', t: ev.t, peer: ev.peer, label: receivedTraffic(ev) });
    } else if (ev.ev === 'fail') {
      // A receive that failed on what it took ends its send's arrow where the failure is.
      if (typeof ev.bytes === 'number') receive(ev, stepNames.get(`${ev.peer}#${String(ev.step)}`) === 'recvFds', true);
      items.push({ kind: 'failure', t: ev.t, peer: ev.peer, label: `${String(ev.code ?? 'fail')}: ${String(ev.message ?? '')}` });
    } else if (ev.ev === 'error') {
      items.push({ kind: 'note', t: ev.t, peer: ev.peer, label: `expected error ${String(ev.code ?? '')}` });
    } else if (ev.ev === 'proxy-data' && proxied && isLane(ev.sender, lanes) && isLane(ev.receiver, lanes)) {
      // What the proxy read from one side and wrote to the other: the end of the sender's arrow
      // (scripted senders), the start of one to the receiver. It read descriptors when it wrote
      // some on, or when a fault just took them off this message.
      const fds = Array.isArray(ev.fds) && ev.fds.length > 0;
      const read = fds || fdsTakenOff.has(proxyMessageKey(ev));
      const label = proxyNoteLabel({ ...ev, sender: undefined });
      // A program records no sends: the proxy's read is all that dates its leg, drawn level there.
      if (!pairing.addReceive(channel(ev.sender, PROXY_LANE, read), ev, false, read) && !scripted.has(ev.sender)) {
        items.push({ kind: 'arrow', t: ev.t, from: ev.sender, to: PROXY_LANE, label: preview(label, 40), detail: `to the proxy: ${proxyNoteLabel(ev)}`, bulk: false, fds: read, end: { t: ev.t, failed: false } });
      }
      const cut = cutDeliveries.get(proxyMessageKey(ev));
      const onward = cut ? preview(proxyDataLabel({ ...ev, sender: undefined }, cut), 40 - cutEnd(cut).length) + cutEnd(cut) : preview(label, 40);
      const detail = cut ? `via proxy: ${proxyDataLabel(ev, cut)}${cutEnd(cut)} in ${String(cut.detail ?? 'the send')} (it read ${label})` : `via proxy: ${proxyNoteLabel(ev)}`;
      const arrow: ArrowItem = { kind: 'arrow', t: ev.t, from: PROXY_LANE, to: ev.receiver, label: onward, detail, bulk: false, fds: fds && cut?.delivered !== 0 };
      if (scripted.has(ev.receiver)) arrow.lost = true; // until a receive takes it
      items.push(arrow);
      // A receiver pairs with what reached it: a stream's byte count goes on from the delivered ones.
      pairing.addSend(channel(PROXY_LANE, ev.receiver, fds), cut ? { ...ev, bytes: cut.delivered } : ev, arrow);
    } else if (ev.via === 'proxy') {
      if (ev.ev === 'proxy-fault' && proxied && isLane(ev.sender, lanes)) {
        if (ev.fault === 'dropFds' || ev.fault === 'truncateFds') fdsTakenOff.add(proxyMessageKey(ev));
        // A dropped message was read by the proxy and goes no further: the sender's arrow ends there.
        if (ev.fault === 'drop') {
          const fds = typeof ev.detail === 'string' && /fds closed/.test(ev.detail);
          pairing.addReceive(channel(ev.sender, PROXY_LANE, fds), ev, false, fds);
        }
      }
      items.push({ kind: 'note', t: ev.t, peer: ev.peer, label: proxyNoteLabel(ev) });
    } else if (!QUIET.has(ev.ev)) {
      items.push({ kind: 'note', t: ev.t, peer: ev.peer, label: ev.ev });
    }
  }
  for (const item of items) if (item.kind === 'arrow' && (item.end || unknownSources.has(item.to))) delete item.lost;
  const lastT = result.timeline.length ? result.timeline[result.timeline.length - 1]!.t : 0;
  for (const p of result.peers) {
    // A peer that answered its planned stop by dying of the stop signal did what was asked; its note says so.
    const answered = p.end === 'planned-stop' && p.signal === p.plannedStop?.signal;
    if (p.signal && !answered) items.push({ kind: 'failure', t: lastT, peer: p.id, label: `killed by ${p.signal}` });
  }
  // Stable: events of equal time keep the order the timeline gave them.
  items.sort((a, b) => a.t - b.t);
  return { lanes, items, t0: result.timeline[0]?.t ?? 0, latencies: latencyPictures(result.timeline) };
}

/** `+12.345 ms` relative to the first event. */
export function relativeTime(t: number, t0: number): string {
  return `+${((t - t0) / 1e6).toFixed(3)} ms`;
}
