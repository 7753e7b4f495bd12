// The scenario files of fixtures/traffic run for real, and the traffic and descriptor verdicts
// find nothing to say about them.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadScenario, runScenario } from '../../src';
import { loadScenarioSync } from '../../src/scenario';
import { skipReason } from '../../src/plan';
import { descriptorVerdict } from '../../src/judge/descriptors';
import { trafficVerdict } from '../../src/judge/traffic';
import type { JudgeInput } from '../../src/judge';
import { repoRoot } from '../helpers/child-script';

const dir = path.join(repoRoot, 'fixtures', 'traffic');
const files = readdirSync(dir).filter((f) => f.endsWith('.scenario.yaml'));

// A scenario this platform cannot run is a skipped test that says why, decided when tests are collected.
const cases = files.map((file) => {
  const reason = skipReason(loadScenarioSync(path.join(dir, file)));
  return { file, run: reason === undefined ? it : it.skip, title: reason === undefined ? `${file} passes` : `${file} (skipped: ${reason})` };
});

describe.each(cases)('$file', ({ file, run, title }) => {
  run(title, async () => {
    const scenario = await loadScenario(path.join(dir, file));
    const result = await runScenario(path.join(dir, file));
    expect(result.skipped).toBeUndefined();
    expect(result.failures).toEqual([]);
    const input = { scenario, record: { timeline: result.timeline } } as unknown as JudgeInput;
    expect([...(trafficVerdict(input).failures ?? []), ...(descriptorVerdict(input).failures ?? [])]).toEqual([]);
    const usesSequence = result.timeline.some((e) => e.ev === 'traffic');
    // Bulk descriptor passing reports one summary event, with the number of messages it took.
    const usesBulkFds = result.timeline.some((e) => e.ev === 'recvFds' && typeof e.repeat === 'number');
    if (file.startsWith('fd-')) expect(usesBulkFds).toBe(file.includes('bulk'));
    else if (file.includes('bulk') || file.includes('senders') || file.includes('echo')) expect(usesSequence).toBe(true);
  }, 30_000);
});
