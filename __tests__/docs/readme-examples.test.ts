// The README's scenario examples are what users copy: each complete one must load as written, and
// every step the format knows must appear in the README's step table. Scenario examples are the
// ```yaml blocks; other YAML (a CI workflow) is written ```yml.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkScenarioText } from '../../src/scenario';
import { STEP_NAMES } from '../../src/scenario/limits';
import { repoRoot } from '../helpers/child-script';

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m, i) => ({ i, text: dedent(m[1]!) }));
// The reference block shows every key at once, with `[...]` for the parts described elsewhere.
const complete = examples.filter((e) => !e.text.includes('[...]'));

function dedent(text: string): string {
  const indent = Math.min(...text.split('\n').filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return text.split('\n').map((l) => l.slice(indent)).join('\n');
}

it('the README has complete scenario examples', () => {
  expect(complete.length).toBeGreaterThanOrEqual(2);
});

it.each(complete.map((e) => [e.i, e.text.split('\n')[0]!, e.text] as const))('example %i (%s) loads without problems', (_i, _first, text) => {
  expect(checkScenarioText(text, path.join(repoRoot, 'README.example.scenario.yaml')).problems).toEqual([]);
});

it.each([...STEP_NAMES])('the step table documents `%s`', (step) => {
  expect(readme).toMatch(new RegExp(`^\\| \`${step}\` \\|`, 'm'));
});
