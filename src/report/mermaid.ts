// The timeline as Mermaid `sequenceDiagram` text, which GitHub renders in Markdown.

import type { ScenarioResult } from '../judge/result';
import { buildTimelineModel, relativeTime, type Cast } from './timeline-model';
import { wrapText } from './wrap';

/** Mermaid breaks on some characters inside messages; keep labels to a safe alphabet. */
function safe(label: string): string {
  return label.replace(/[;#\n\r]/g, ' ').replace(/[<>]/g, (c) => (c === '<' ? '‹' : '›'));
}

/** A note in full, on as many lines as it needs (Mermaid breaks a note's line at `<br/>`). */
function noteLines(label: string): string {
  return wrapText(safe(label)).join('<br/>');
}

function participant(id: string): string {
  return id.replace(/[^A-Za-z0-9_]/g, '_');
}

export function timelineToMermaid(result: ScenarioResult, cast?: Cast): string {
  const model = buildTimelineModel(result, cast);
  const lines = ['sequenceDiagram'];
  for (const lane of model.lanes) lines.push(`  participant ${participant(lane)} as ${lane}`);
  for (const item of model.items) {
    const at = relativeTime(item.t, model.t0);
    if (item.kind === 'arrow') {
      // Mermaid draws a message as one level line: it stands at its send, in the same order as
      // the HTML's arrows start, and says when the receive took it.
      const arrow = item.lost ? '-x' : item.bulk ? '-)' : '->>';
      const label = item.lost ? `${item.label} — not received` : item.label;
      const taken = item.end && item.end.t !== item.t ? ` → ${relativeTime(item.end.t, model.t0)}` : '';
      lines.push(`  ${participant(item.from)}${arrow}${participant(item.to)}: ${safe(label)} (${at}${taken})`);
    } else if (item.kind === 'note') {
      lines.push(`  Note over ${participant(item.peer)}: ${noteLines(item.label)} (${at})`);
    } else {
      lines.push(`  Note over ${participant(item.peer)}: ❌ ${noteLines(item.label)}`);
    }
  }
  // Verdicts the judge reached after the run (a socket file left behind, an exit code, a leak) have
  // no event to stand at: they close the diagram, as the HTML lists them at its top. A failed step
  // is drawn where it failed already.
  for (const failure of result.failures) {
    if (failure.step !== undefined) continue;
    const lane = failure.peer !== undefined && model.lanes.includes(failure.peer) ? failure.peer : model.lanes[0];
    if (lane !== undefined) lines.push(`  Note over ${participant(lane)}: ❌ ${noteLines(`${failure.code}: ${failure.message}`)}`);
  }
  return lines.join('\n') + '\n';
}
