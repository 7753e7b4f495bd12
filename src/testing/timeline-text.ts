// A compact text timeline for matcher messages: the events around the failures, one per line.

import type { ScenarioResult } from '../judge/result';

const CONTEXT = 20;

function detail(ev: Record<string, unknown>): string {
  const skip = new Set(['t', 'peer', 'ev', 'step']);
  const parts = Object.entries(ev)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v.length > 60 ? v.slice(0, 60) + '…' : v) : JSON.stringify(v)}`);
  const text = parts.join(' ');
  return text.length > 160 ? text.slice(0, 160) + '…' : text;
}

export function timelineExcerpt(result: ScenarioResult): string {
  const tl = result.timeline;
  if (!tl.length) return '  (no events)';
  const firstBad = tl.findIndex((e) => e.ev === 'fail' || e.ev === 'timeout');
  const end = firstBad === -1 ? tl.length : Math.min(tl.length, firstBad + 5);
  const start = Math.max(0, end - CONTEXT);
  const t0 = tl[0]!.t;
  const lines = tl.slice(start, end).map((e) => {
    const ms = ((e.t - t0) / 1e6).toFixed(3).padStart(10);
    return `  ${ms} ms  ${e.peer.padEnd(10)} ${e.ev.padEnd(8)} ${detail(e)}`;
  });
  if (start > 0) lines.unshift(`  … ${start} earlier events`);
  if (end < tl.length) lines.push(`  … ${tl.length - end} later events`);
  return lines.join('\n');
}
