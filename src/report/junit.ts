// JUnit XML as CI systems read it (GitHub test reporters, GitLab, Jenkins): one testsuite per run,
// one testcase per scenario, <failure> with the reasons, <skipped> with the reason, captured output.

import type { ScenarioResult } from '../judge/result';
import { escapeXml, stripXmlInvalid } from './escape';
import { failureText } from './failure-text';
import { countResults, type RunSummary } from './summary';

const OUTPUT_TAIL = 16 * 1024;

function attr(text: string): string {
  return escapeXml(stripXmlInvalid(text));
}

function tail(text: string): string {
  return text.length > OUTPUT_TAIL ? '…' + text.slice(-OUTPUT_TAIL) : text;
}

function testcase(result: ScenarioResult): string {
  const classname = result.file ?? 'inline';
  const open = `<testcase name="${attr(result.name)}" classname="${attr(classname)}" time="${(result.durationMs / 1000).toFixed(3)}">`;
  const body: string[] = [];
  if (result.skipped) {
    body.push(`<skipped message="${attr(result.skipped)}"/>`);
  } else if (!result.passed) {
    // The first reason as the one-line message; the body is the text every face shows.
    const first = result.failures[0];
    const text = failureText(result).map((line) => line.slice(2)).join('\n');
    body.push(`<failure message="${attr(first ? first.message : 'failed')}" type="${attr(first ? first.code : 'FAILED')}">${attr(text)}</failure>`);
  }
  const out = result.peers.map((p) => (p.stdout ? `[${p.id}] ${tail(p.stdout)}` : '')).filter(Boolean).join('\n');
  const err = result.peers.map((p) => (p.stderr ? `[${p.id}] ${tail(p.stderr)}` : '')).filter(Boolean).join('\n');
  if (out) body.push(`<system-out>${attr(out)}</system-out>`);
  if (err) body.push(`<system-err>${attr(err)}</system-err>`);
  return `    ${open}${body.length ? '\n      ' + body.join('\n      ') + '\n    ' : ''}</testcase>`;
}

export function toJUnit(summary: RunSummary): string {
  const c = countResults(summary);
  const cases = summary.results.map(testcase);
  for (const bad of summary.invalid) {
    cases.push(
      `    <testcase name="${attr(bad.file)}" classname="invalid scenario" time="0">\n      <error message="invalid scenario file" type="ERR_SCENARIO_INVALID">${attr(bad.message)}</error>\n    </testcase>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="uds-fixture" tests="${c.total}" failures="${c.failed}" errors="${c.invalid}" skipped="${c.skipped}" time="${(summary.durationMs / 1000).toFixed(3)}">
  <testsuite name="uds-fixture" tests="${c.total}" failures="${c.failed}" errors="${c.invalid}" skipped="${c.skipped}" time="${(summary.durationMs / 1000).toFixed(3)}">
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}
