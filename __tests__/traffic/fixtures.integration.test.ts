// The scenario files of fixtures/traffic run for real, and the traffic and descriptor verdicts
// find nothing to say about them.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadScenario, runScenario } from '../../src';
import { descriptorVerdict } from '../../src/judge/descriptors';
import { trafficVerdict } from '../../src/judge/traffic';
import type { JudgeInput } from '../../src/judge';
import { repoRoot } from '../helpers/child-script';

const dir = path.join(repoRoot, 'fixtures', 'traffic');
const files = readdirSync(dir).filter((f) => f.endsWith('.scenario.yaml'));

it.each(files)('%s passes', async (file) => {
  const scenario = await loadScenario(path.join(dir, file));
  const result = await runScenario(path.join(dir, file));
  if (result.skipped) return;
  expect(result.failures).toEqual([]);
  const input = { scenario, record: { timeline: result.timeline } } as unknown as JudgeInput;
  expect([...(trafficVerdict(input).failures ?? []), ...(descriptorVerdict(input).failures ?? [])]).toEqual([]);
  const usesSequence = result.timeline.some((e) => e.ev === 'traffic');
  // Bulk descriptor passing reports one summary event, with the number of messages it took.
  const usesBulkFds = result.timeline.some((e) => e.ev === 'recvFds' && typeof e.repeat === 'number');
  if (file.startsWith('fd-')) expect(usesBulkFds).toBe(file.includes('bulk'));
  else if (file.includes('bulk') || file.includes('senders') || file.includes('echo')) expect(usesSequence).toBe(true);
}, 30_000);
