// The timeline as one self-contained HTML page: peers as lanes, messages and descriptors as arrows,
// failures marked. Everything is inline (SVG + CSS, no script, no network), so the page opens from a
// CI artifact as it is.

import { describeEnder } from '../judge/peer-end';
import type { ScenarioResult } from '../judge/result';
import { escapeXml } from './escape';
import { buildTimelineModel, relativeTime } from './timeline-model';
import { timelineToMermaid } from './mermaid';

const LANE_WIDTH = 220;
const ROW_HEIGHT = 34;
const TOP = 60;
const NOTE_ROOM = 420;

function svgTimeline(result: ScenarioResult): string {
  const model = buildTimelineModel(result);
  const laneX = new Map(model.lanes.map((lane, i) => [lane, 140 + i * LANE_WIDTH]));
  // notes are written to the right of their lane: leave room for them after the last lane
  const width = 140 + Math.max(1, model.lanes.length) * LANE_WIDTH + NOTE_ROOM;
  const height = TOP + (model.items.length + 1) * ROW_HEIGHT;
  const parts: string[] = [];
  for (const lane of model.lanes) {
    const x = laneX.get(lane)!;
    parts.push(`<text class="lane" x="${x}" y="30" text-anchor="middle">${escapeXml(lane)}</text>`);
    parts.push(`<line class="lifeline" x1="${x}" y1="40" x2="${x}" y2="${height - 10}"/>`);
  }
  model.items.forEach((item, i) => {
    const y = TOP + i * ROW_HEIGHT;
    parts.push(`<text class="time" x="8" y="${y + 4}">${escapeXml(relativeTime(item.t, model.t0))}</text>`);
    if (item.kind === 'arrow') {
      const x1 = laneX.get(item.from) ?? 140;
      const x2 = laneX.get(item.to) ?? x1;
      const cls = item.fds ? 'arrow fds' : item.bulk ? 'arrow bulk' : 'arrow';
      parts.push(`<line class="${cls}" x1="${x1}" y1="${y}" x2="${x2}" y2="${y}" marker-end="url(#head)"/>`);
      parts.push(`<text class="label" x="${(x1 + x2) / 2}" y="${y - 6}" text-anchor="middle">${escapeXml(item.label)}</text>`);
    } else {
      const x = laneX.get(item.peer) ?? 140;
      const cls = item.kind === 'failure' ? 'note failure' : 'note';
      const text = item.kind === 'failure' ? `✗ ${item.label}` : item.label;
      parts.push(`<text class="${cls}" x="${x + 8}" y="${y + 4}">${escapeXml(text.length > 90 ? text.slice(0, 90) + '…' : text)}</text>`);
      parts.push(`<circle class="${cls}" cx="${x}" cy="${y}" r="4"/>`);
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="timeline of ${escapeXml(result.name)}">
<defs><marker id="head" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="8" refX="9" refY="4" orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="#333"/></marker></defs>
${parts.join('\n')}
</svg>`;
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
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${escapeXml(result.name)} — uds-fixture timeline</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } .status { font-weight: bold; } .status.failed { color: #b00020; } .status.passed { color: #1b7f3b; }
.lane { font-weight: bold; font-size: 14px; } .lifeline { stroke: #bbb; stroke-dasharray: 4 3; }
.arrow { stroke: #333; stroke-width: 1.5; } .arrow.fds { stroke: #6a1b9a; stroke-width: 2.5; } .arrow.bulk { stroke: #0d47a1; stroke-width: 4; }
.label { font-size: 12px; } .time { font-size: 11px; fill: #777; font-family: ui-monospace, monospace; }
.note { font-size: 12px; fill: #444; } circle.note { fill: #888; } .failure { fill: #b00020; font-weight: bold; }
.failures li { margin: 4px 0; } .pos { color: #666; font-family: ui-monospace, monospace; }
pre { background: #f6f6f6; padding: 8px; overflow: auto; max-height: 320px; }
</style></head>
<body>
<h1>${escapeXml(result.name)}</h1>
<p class="status ${result.passed ? 'passed' : 'failed'}">${escapeXml(status)} in ${result.durationMs.toFixed(0)} ms${result.file ? ` — ${escapeXml(result.file)}` : ''}</p>
${failureList(result)}
<h2>Timeline</h2>
${svgTimeline(result)}
<h2>Peers</h2>
${peerOutput(result)}
<details><summary>Mermaid source</summary><pre>${escapeXml(timelineToMermaid(result))}</pre></details>
</body></html>
`;
}
