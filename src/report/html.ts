// The timeline as one self-contained HTML page: peers as lanes, messages and descriptors as arrows,
// failures marked. Everything is inline (SVG + CSS, no script, no network), so the page opens from a
// CI artifact as it is.

import { describeEnder } from '../judge/peer-end';
import type { ScenarioResult } from '../judge/result';
import { escapeXml } from './escape';
import type { CaptureTimeline } from './capture';
import { buildTimelineModel, relativeTime, type ArrowItem, type TimelineItem, type TimelineModel } from './timeline-model';
import { latencyHistogram } from './latency-svg';
import { wrapText } from './wrap';
import { timelineToMermaid } from './mermaid';

const LANE_WIDTH = 220;
const LEFT = 140;
const ROW_HEIGHT = 34;
const LINE_HEIGHT = 15;
const TOP = 60;
const TEXT_ROOM = 460;

/** What sits on one row: an item's start, or the end of an arrow (a receive). */
interface Row {
  t: number;
  lines: number;
}

/**
 * The vertical layout: every item starts on its own row and every arrow ends on the row of its
 * receive, in time order, so y follows time. A failed receive's arrow ends on its failure's row.
 */
function layout(model: TimelineModel): { y: (key: string) => number; height: number } {
  const marks: { t: number; key: string; lines: number; joins?: string }[] = [];
  const failureAt = new Map<string, string>();
  model.items.forEach((item, i) => {
    const lines = item.kind === 'arrow' ? 1 : wrapText(noteText(item)).length;
    marks.push({ t: item.t, key: `item${i}`, lines });
    if (item.kind === 'failure') failureAt.set(`${item.peer}@${item.t}`, `item${i}`);
  });
  model.items.forEach((item, i) => {
    if (item.kind !== 'arrow' || !item.end || item.end.t === item.t) return;
    marks.push({ t: item.end.t, key: `end${i}`, lines: 1, joins: item.end.failed ? failureAt.get(`${item.to}@${item.end.t}`) : undefined });
  });
  // At the same time, an arrow's end goes above what starts then: the proxy forwards a message at
  // the moment it read it, and the onward arrow must not leave before the first one arrived.
  const endsFirst = (key: string): number => (key.startsWith('end') ? 0 : 1);
  marks.sort((a, b) => a.t - b.t || endsFirst(a.key) - endsFirst(b.key));
  const rows: Row[] = [];
  const rowOf = new Map<string, number>();
  for (const m of marks) {
    if (m.joins !== undefined) continue;
    rowOf.set(m.key, rows.length);
    rows.push({ t: m.t, lines: m.lines });
  }
  for (const m of marks) if (m.joins !== undefined) rowOf.set(m.key, rowOf.get(m.joins)!);
  const top: number[] = [];
  let y = TOP;
  for (const row of rows) {
    top.push(y);
    y += Math.max(ROW_HEIGHT, row.lines * LINE_HEIGHT + 19);
  }
  return {
    y: (key) => top[rowOf.get(key) ?? rowOf.get(key.replace(/^end/, 'item'))!]!,
    height: y + ROW_HEIGHT,
  };
}

function noteText(item: Exclude<TimelineItem, ArrowItem>): string {
  return item.kind === 'failure' ? `✗ ${item.peer}: ${item.label}` : `${item.peer}: ${item.label}`;
}

function svgTimeline(result: ScenarioResult, model: TimelineModel): string {
  const laneX = new Map(model.lanes.map((lane, i) => [lane, LEFT + i * LANE_WIDTH]));
  // Notes and failures are written in a column right of the last lane, joined to their lane by a
  // dotted line, so no text runs over an arrow and none is cut.
  const textX = LEFT + Math.max(1, model.lanes.length) * LANE_WIDTH - 60;
  const width = textX + TEXT_ROOM;
  const { y, height } = layout(model);
  const parts: string[] = [];
  for (const lane of model.lanes) {
    const x = laneX.get(lane)!;
    parts.push(`<text class="lane" x="${x}" y="30" text-anchor="middle">${escapeXml(lane)}</text>`);
    parts.push(`<line class="lifeline" x1="${x}" y1="40" x2="${x}" y2="${height - 10}"/>`);
  }
  // One time label per row: an arrow that ends on a failure's row shares it.
  const labelled = new Set<number>();
  const time = (t: number, at: number): void => {
    if (labelled.has(at)) return;
    labelled.add(at);
    parts.push(`<text class="time" x="8" y="${at + 4}">${escapeXml(relativeTime(t, model.t0))}</text>`);
  };
  model.items.forEach((item, i) => {
    const y1 = y(`item${i}`);
    time(item.t, y1);
    if (item.kind === 'arrow') {
      const x1 = laneX.get(item.from) ?? LEFT;
      const x2 = laneX.get(item.to) ?? x1;
      const y2 = item.end ? y(`end${i}`) : y1;
      if (item.end) time(item.end.t, y2);
      const cls = ['arrow', item.fds ? 'fds' : item.bulk ? 'bulk' : '', item.lost ? 'lost' : '', item.end?.failed ? 'failed' : ''].filter(Boolean).join(' ');
      const label = item.lost ? `${item.label} — not received` : item.label;
      const ends = item.end ? ` data-t-end="${item.end.t}"` : '';
      const head = item.end?.failed ? 'url(#head-failed)' : 'url(#head)';
      parts.push(
        `<g class="message" data-from="${escapeXml(item.from)}" data-to="${escapeXml(item.to)}" data-t="${item.t}"${ends}><title>${escapeXml(`${item.from} → ${item.to}: ${item.detail}${item.lost ? ' (not received)' : ''}`)}</title>` +
          `<line class="${cls}" x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" marker-end="${head}"/>` +
          `<text class="label" x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 6}" text-anchor="middle">${escapeXml(label)}</text></g>`,
      );
    } else {
      const x = laneX.get(item.peer) ?? LEFT;
      const cls = item.kind === 'failure' ? 'note failure' : 'note';
      const text = noteText(item);
      const lines = wrapText(text)
        .map((line, n) => `<tspan x="${textX}" dy="${n === 0 ? 0 : LINE_HEIGHT}">${escapeXml(line)}</tspan>`)
        .join('');
      parts.push(
        `<g class="${item.kind}" data-peer="${escapeXml(item.peer)}" data-t="${item.t}"><title>${escapeXml(text)}</title>` +
          `<line class="leader" x1="${x}" y1="${y1}" x2="${textX - 6}" y2="${y1}"/>` +
          `<circle class="${cls}" cx="${x}" cy="${y1}" r="4"/>` +
          `<text class="${cls}" x="${textX}" y="${y1 + 4}">${lines}</text></g>`,
      );
    }
  });
  return `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="timeline of ${escapeXml(result.name)}">
<defs><marker id="head" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="#333"/></marker>
<marker id="head-failed" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="#b00020"/></marker></defs>
${parts.join('\n')}
</svg>`;
}

function latencySection(result: ScenarioResult, model: TimelineModel): string {
  if (model.latencies.length === 0) return '';
  return `<h2>Latency</h2>\n${model.latencies.map((p) => latencyHistogram(p, result.withinMs)).join('\n')}`;
}

function failureList(result: ScenarioResult): string {
  if (result.failures.length === 0) return '<p class="pass">Passed.</p>';
  const items = result.failures.map((f) => {
    const where = f.pos ? ` <span class="pos">${escapeXml(`${f.pos.file}:${f.pos.line}:${f.pos.col}`)}</span>` : '';
    const who = f.peer ? `<b>${escapeXml(f.peer)}</b> ` : '';
    return `<li><code>${escapeXml(f.code)}</code> ${who}${escapeXml(f.message)}${where}</li>`;
  });
  return `<ul class="failures">${items.join('')}</ul>`;
}

function peerOutput(result: ScenarioResult): string {
  return result.peers
    .map((p) => {
      const exit = (p.signal ? `signal ${p.signal}` : `exit ${p.exitCode}`) + (p.end !== 'self' || p.plannedStop ? `; ${describeEnder(p)}` : '');
      const out = [p.stdout && `stdout:\n${p.stdout}`, p.stderr && `stderr:\n${p.stderr}`].filter(Boolean).join('\n');
      return `<details><summary>${escapeXml(p.id)} — ${escapeXml(exit)}</summary><pre>${escapeXml(out || '(no output)')}</pre></details>`;
    })
    .join('\n');
}

export function timelineToHtml(result: ScenarioResult): string {
  const status = result.skipped ? `skipped: ${result.skipped}` : result.passed ? 'passed' : 'failed';
  return page(result, buildTimelineModel(result), {
    status: `${status} in ${result.durationMs.toFixed(0)} ms`,
    top: failureList(result),
    bottom: `<h2>Peers</h2>\n${peerOutput(result)}`,
    mermaid: timelineToMermaid(result),
  });
}

/** A `uds-fixture proxy --capture` file's page: what crossed the proxy, between two programs. */
export function captureToHtml(capture: CaptureTimeline): string {
  const { result, cast } = capture;
  const ended = capture.stopped ? 'stopped' : 'cut short: no proxy-stopped record (the proxy was killed, not stopped)';
  const cut = capture.cutLine !== undefined ? ` Line ${capture.cutLine}, cut in the middle, is left out.` : '';
  return page(result, buildTimelineModel(result, cast), {
    status: `${ended}; ${result.timeline.length} records over ${result.durationMs.toFixed(0)} ms`,
    top: `<p class="legend">A capture of the proxy between two programs: each message is drawn at the moment the proxy read it, into the proxy and on to the other side (the programs record no sends or receives of their own).${escapeXml(cut)}</p>`,
    bottom: '',
    mermaid: timelineToMermaid(result, cast),
  });
}

interface PageParts {
  status: string;
  /** HTML under the status line: the failures, or what the page shows */
  top: string;
  /** HTML after the timeline and latency sections */
  bottom: string;
  mermaid: string;
}

function page(result: ScenarioResult, model: TimelineModel, parts: PageParts): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeXml(result.name)} — uds-fixture timeline</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } .status { font-weight: bold; } .status.failed { color: #b00020; } .status.passed { color: #1b7f3b; }
.lane { font-weight: bold; font-size: 14px; } .lifeline { stroke: #bbb; stroke-dasharray: 4 3; }
.arrow { stroke: #333; stroke-width: 1.5; } .arrow.fds { stroke: #6a1b9a; stroke-width: 2.5; } .arrow.bulk { stroke: #0d47a1; stroke-width: 4; }
.arrow.lost { stroke-dasharray: 6 4; } .arrow.failed { stroke: #b00020; } .leader { stroke: #ccc; stroke-dasharray: 2 3; } .legend { color: #555; font-size: 13px; }
.latency .bar { fill: #0d47a1; } .latency .axis { stroke: #333; } .latency .mark { stroke: #333; stroke-dasharray: 3 2; } .latency .bound { stroke: #b00020; stroke-width: 2; } .latency .over { fill: #b00020; } .latency text { font-size: 11px; }
.label { font-size: 12px; } .time { font-size: 11px; fill: #777; font-family: ui-monospace, monospace; }
.note { font-size: 12px; fill: #444; } circle.note { fill: #888; } .failure { fill: #b00020; font-weight: bold; } circle.note.failure { fill: #b00020; }
.failures li { margin: 4px 0; } .pos { color: #666; font-family: ui-monospace, monospace; }
pre { background: #f6f6f6; padding: 8px; overflow: auto; max-height: 320px; }
</style></head>
<body>
<h1>${escapeXml(result.name)}</h1>
<p class="status ${result.passed ? 'passed' : 'failed'}">${escapeXml(parts.status)}${result.file ? ` — ${escapeXml(result.file)}` : ''}</p>
${parts.top}
<h2>Timeline</h2>
<p class="legend">Time runs down. Each arrow goes from a send (dated as its sendmsg began) to the receive that took it (dated as its recvmsg returned); purple arrows carry descriptors, thick blue ones bulk traffic, dashed ones were never received. Hover an arrow or a note for its full text.</p>
${svgTimeline(result, model)}
${latencySection(result, model)}
${parts.bottom}
<details><summary>Mermaid source</summary><pre>${escapeXml(parts.mermaid)}</pre></details>
</body></html>
`;
}
