// One receiver's one-way latency as a small inline SVG: a histogram of the messages of a small
// exchange (each one's latency is in the timeline), or for bulk traffic, which keeps only its
// summary, the band from min to max; p50, p99 and the scenario's `within:` bound marked on it, so a
// latency failure is seen, not read.

import { escapeXml } from './escape';
import type { LatencyPicture } from './timeline-model';

const WIDTH = 520;
const HEIGHT = 150;
const LEFT = 40;
const RIGHT = 20;
const TOP = 22;
const AXIS = 110;
const BINS = 24;

/** A latency as people read it: µs below a millisecond, ms above, three significant digits. */
export function formatLatency(ns: number): string {
  return ns < 1e6 ? `${(ns / 1e3).toPrecision(3)} µs` : `${(ns / 1e6).toPrecision(3)} ms`;
}

export function latencyHistogram(p: LatencyPicture, withinMs?: number): string {
  const boundNs = withinMs !== undefined ? withinMs * 1e6 : undefined;
  const domain = Math.max(p.maxNs, boundNs ?? 0, 1) * 1.08;
  const x = (ns: number): number => LEFT + (ns / domain) * (WIDTH - LEFT - RIGHT);
  const parts: string[] = [];
  if (p.samples.length > 0) {
    const counts = new Array<number>(BINS).fill(0);
    for (const s of p.samples) counts[Math.min(BINS - 1, Math.floor((s / domain) * BINS))]!++;
    const most = Math.max(...counts);
    counts.forEach((n, i) => {
      if (n === 0) return;
      const from = (i / BINS) * domain;
      const h = (n / most) * (AXIS - TOP - 10);
      const over = boundNs !== undefined && from + domain / BINS > boundNs;
      parts.push(`<rect class="${over ? 'bar over' : 'bar'}" x="${x(from) + 1}" y="${AXIS - h}" width="${Math.max(1, x(domain / BINS) - LEFT - 2)}" height="${h}"><title>${n} message${n === 1 ? '' : 's'} from ${formatLatency(from)} to ${formatLatency(from + domain / BINS)}</title></rect>`);
    });
  } else {
    // Bulk traffic keeps percentiles, not samples: the band where they all fell, p50 to p99 darker.
    parts.push(`<rect class="bar" opacity="0.3" x="${x(p.minNs)}" y="${AXIS - 30}" width="${Math.max(1, x(p.maxNs) - x(p.minNs))}" height="30"><title>every message, ${formatLatency(p.minNs)} to ${formatLatency(p.maxNs)}</title></rect>`);
    parts.push(`<rect class="bar" x="${x(p.p50Ns)}" y="${AXIS - 30}" width="${Math.max(1, x(p.p99Ns) - x(p.p50Ns))}" height="30"><title>half to 99 % of the messages, ${formatLatency(p.p50Ns)} to ${formatLatency(p.p99Ns)}</title></rect>`);
  }
  parts.push(`<line class="axis" x1="${LEFT}" y1="${AXIS}" x2="${WIDTH - RIGHT}" y2="${AXIS}"/>`);
  parts.push(`<text x="${LEFT}" y="${AXIS + 14}" text-anchor="middle">0</text>`);
  parts.push(`<text x="${WIDTH - RIGHT}" y="${AXIS + 14}" text-anchor="end">${escapeXml(formatLatency(domain))}</text>`);
  const mark = (cls: string, ns: number, label: string, row: number): void => {
    parts.push(`<line class="${cls}" x1="${x(ns)}" y1="${TOP - 4}" x2="${x(ns)}" y2="${AXIS}"/>`);
    // A mark in the right half is labelled to its left, so the label stays inside the picture.
    const right = x(ns) > (LEFT + WIDTH - RIGHT) / 2;
    parts.push(`<text class="${cls}-label" x="${right ? x(ns) - 3 : x(ns) + 3}" y="${TOP + row * 13}"${right ? ' text-anchor="end"' : ''}>${escapeXml(label)}</text>`);
  };
  mark('mark p50', p.p50Ns, `p50 ${formatLatency(p.p50Ns)}`, 0);
  mark('mark p99', p.p99Ns, `p99 ${formatLatency(p.p99Ns)}`, 1);
  if (boundNs !== undefined) mark('bound', boundNs, `within: ${withinMs} ms`, 2);
  const kind = p.samples.length > 0 ? `${p.samples.length} messages` : `${p.count} messages (bulk: percentiles only)`;
  const verdict = boundNs !== undefined && p.maxNs > boundNs ? `; max ${formatLatency(p.maxNs)} is over the bound` : `; max ${formatLatency(p.maxNs)}`;
  const caption = `${p.receiver} received ${kind}; one-way latency p50 ${formatLatency(p.p50Ns)}, p99 ${formatLatency(p.p99Ns)}${verdict}`;
  return `<figure class="latency" data-receiver="${escapeXml(p.receiver)}"><svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(caption)}">
${parts.join('\n')}
</svg><figcaption>${escapeXml(caption)}</figcaption></figure>`;
}
