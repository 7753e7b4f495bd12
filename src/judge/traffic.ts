// Verdicts on sequence traffic: each receiver's `traffic` summary against `expect:` — loss,
// duplicates, corruption, boundaries, ordering and latency — with the sequence numbers involved:
// "client-2 → server: #4711 never arrived; #4713 arrived before #4712".
import type { PeerEvent } from '../protocol/events';
import type { Ordering, Scenario, Step } from '../scenario/types';
import type { ReceiverSummary, SenderTally, TrafficAnomaly } from '../traffic/types';
import { stepOf } from './peers';
import type { Failure, FailureCode } from './result';
import type { Verdict } from './verdict';

const LISTED = 5;

/** What the scenario allows; defaults for a scenario with sequence traffic that says nothing. */
export interface TrafficRules {
  loss: number;
  duplicates: number;
  boundaries: boolean;
  ordering: Ordering;
  withinMs?: number;
}

export function trafficRules(scenario: Scenario): TrafficRules {
  const e = scenario.expect;
  const senders = sequenceSenders(scenario);
  // Messages of several senders meet in one receiver (one datagram queue, or a server's several
  // connections read together) in an order no sender controls.
  const ordering = e.ordering ?? (senders > 1 ? 'per-sender' : 'strict');
  return {
    loss: e.loss ?? 0,
    duplicates: e.duplicates ?? 0,
    boundaries: (e.boundaries ?? 'preserved') === 'preserved',
    ordering,
    ...(e.withinMs !== undefined ? { withinMs: e.withinMs } : {}),
  };
}

/** How many peers send sequence traffic (a client group counts once per client). */
function sequenceSenders(scenario: Scenario): number {
  const sends = (steps: Step[]): boolean => steps.some((s) => s.step === 'send' && s.payload.kind === 'sequence');
  let n = 0;
  if (scenario.server?.kind === 'steps' && sends(scenario.server.steps)) n += 1;
  if (scenario.clients?.kind === 'steps' && sends(scenario.clients.steps)) n += scenario.clients.count;
  return n;
}

function hasSequenceTraffic(scenario: Scenario): boolean {
  const uses = (steps: Step[]): boolean => steps.some((s) => (s.step === 'send' || s.step === 'recv') && s.payload?.kind === 'sequence');
  return (scenario.server?.kind === 'steps' && uses(scenario.server.steps)) || (scenario.clients?.kind === 'steps' && uses(scenario.clients.steps)) || false;
}

function isReceiverSummary(event: PeerEvent): event is PeerEvent & ReceiverSummary {
  // A summary cut short by a step timeout carries `partial`; the step failure already says so.
  return event.ev === 'traffic' && event.role === 'receiver' && event.partial !== true && Array.isArray(event.perSender);
}

export const trafficVerdict: Verdict = ({ scenario, record }) => {
  if (!hasSequenceTraffic(scenario)) return {};
  const rules = trafficRules(scenario);
  const failures: Failure[] = [];
  for (const event of record.timeline) {
    if (!isReceiverSummary(event)) continue;
    failures.push(...judgeSummary(event, event.peer, rules, stepOf(scenario, event.peer, event.step)));
  }
  return { failures };
};

/** Failures for one receiver's summary; pure, so it is tested on hand-made summaries. */
export function judgeSummary(summary: ReceiverSummary, receiver: string, rules: TrafficRules, step?: Step): Failure[] {
  const failures: Failure[] = [];
  const fail = (code: FailureCode, message: string): void => {
    failures.push({
      code,
      peer: receiver,
      ...(step ? { step: { name: step.step, index: step.index } } : {}),
      ...(step?.pos ? { pos: step.pos } : {}),
      message,
    });
  };
  const of = (kinds: TrafficAnomaly['kind'][]): TrafficAnomaly[] => summary.anomalies.filter((a) => kinds.includes(a.kind));

  // The engine counts a message that arrived damaged as not arrived intact; CORRUPTION names it,
  // so LOSS counts and lists only what never arrived at all.
  const losses = withoutDamaged(summary);
  const lost = losses.reduce((n, s) => n + s.lost, 0) + unattributedLoss(summary);
  if (lost > rules.loss) {
    fail('LOSS', `${lossDetail(summary, losses, receiver)} (${lost} of ${Math.max(summary.count, summary.unique + summary.lost)} lost; loss: ${rules.loss} allowed)`);
  }
  if (summary.duplicated > rules.duplicates) {
    fail('DUPLICATES', `${byFlow(of(['duplicate']), receiver)} (${summary.duplicated} duplicated; duplicates: ${rules.duplicates} allowed)`);
  }
  if (summary.corrupt > 0) {
    fail('CORRUPTION', `${byFlow(of(['corrupt', 'framing']), receiver)} (${summary.corrupt} corrupt; every message must arrive intact)`);
  }
  if (rules.boundaries && summary.boundaryViolations > 0) {
    fail('BOUNDARIES', `${byFlow(of(['boundary']), receiver)} (${summary.boundaryViolations} messages; boundaries: preserved)`);
  }
  const senders = summary.perSender.length;
  if (rules.ordering !== 'none' && summary.reordered > 0) {
    fail('ORDERING', `${byFlow(of(['reordered']), receiver)} (${summary.reordered} out of order; ordering: ${rules.ordering})`);
  } else if (rules.ordering === 'strict' && senders > 1 && summary.reorderedGlobal > 0) {
    fail(
      'ORDERING',
      `${receiver} received ${summary.reorderedGlobal} messages after messages another sender sent later (by the monotonic clock); ` +
        `ordering: strict holds the ${senders} senders to one global order — use \`ordering: per-sender\` if each sender's own order is what matters`,
    );
  }
  if (rules.withinMs !== undefined && summary.latency && summary.latency.maxNs > rules.withinMs * 1e6) {
    const { maxNs, p99Ns } = summary.latency;
    fail('LATENCY', `${sendersOf(summary)} → ${receiver}: one-way latency reached ${ms(maxNs)} (p99 ${ms(p99Ns)}), over within: ${rules.withinMs} ms`);
  }
  return failures;
}

/** Each sender's tally without the messages that did arrive, damaged (named by a corrupt anomaly). */
function withoutDamaged(summary: ReceiverSummary): SenderTally[] {
  return summary.perSender.map((s) => {
    const damaged = new Set(summary.anomalies.filter((a) => a.kind === 'corrupt' && a.sender === s.sender && a.seq !== undefined && s.missing.includes(a.seq)).map((a) => a.seq!));
    return damaged.size === 0 ? s : { ...s, lost: s.lost - damaged.size, missing: s.missing.filter((seq) => !damaged.has(seq)) };
  });
}

/** Messages lost that no sender's tally accounts for (a sender that never finished, or none). */
function unattributedLoss(summary: ReceiverSummary): number {
  return Math.max(0, summary.lost - summary.perSender.reduce((n, s) => n + s.lost, 0));
}

function lossDetail(summary: ReceiverSummary, losses: SenderTally[], receiver: string): string {
  const parts = losses.filter((s) => s.lost > 0).map((s) => `${s.sender} → ${receiver}: ${missingText(s)}`);
  if (unattributedLoss(summary) > 0) {
    const silent = unattributedLoss(summary);
    parts.push(`${silent} message${silent === 1 ? '' : 's'} from ${summary.perSender.length === 0 ? 'any sender' : 'senders that never finished'} never arrived${summary.stopped !== 'complete' ? ` (the receiver stopped: ${summary.stopped})` : ''}`);
  }
  return parts.join('; ');
}

function missingText(s: SenderTally): string {
  const listed = s.missing.slice(0, LISTED).map((seq) => `#${seq}`);
  if (listed.length === 0) return `${s.lost} never arrived`;
  const more = s.lost - listed.length;
  return `${listed.join(', ')} never arrived${more > 0 ? ` (and ${more} more)` : ''}`;
}

/** Anomalies grouped per sender: "client-2 → server: #7 arrived twice; #9 arrived twice". */
function byFlow(anomalies: TrafficAnomaly[], receiver: string): string {
  if (anomalies.length === 0) return `${receiver}: see the traffic summary`;
  const groups = new Map<string, string[]>();
  for (const a of anomalies) {
    const from = a.sender ?? '?';
    const list = groups.get(from) ?? [];
    list.push(a.text);
    groups.set(from, list);
  }
  return [...groups].map(([from, texts]) => `${from === '?' ? 'a sender' : from} → ${receiver}: ${texts.slice(0, LISTED).join('; ')}`).join('; ');
}

function sendersOf(summary: ReceiverSummary): string {
  return summary.perSender.length === 1 ? summary.perSender[0]!.sender : summary.perSender.length > 1 ? `${summary.perSender.length} senders` : 'senders';
}

function ms(ns: number): string {
  return `${(ns / 1e6).toFixed(ns < 1e7 ? 2 : 0)} ms`;
}
