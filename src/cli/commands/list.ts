import path from 'node:path';
import { discoverScenarioFiles } from '../discover';
import { loadAll } from '../load-all';
import { selectScenarios, type Selection } from '../../select/select';
import { EXIT } from '../usage-error';

export async function listCommand(operands: string[], selection: Selection): Promise<number> {
  const files = await discoverScenarioFiles(operands, process.cwd(), 'list');
  const { scenarios, invalid } = await loadAll(files);
  for (const s of selectScenarios(scenarios, selection)) {
    const tags = s.tags.length ? `  [${s.tags.join(', ')}]` : '';
    process.stdout.write(`${path.relative(process.cwd(), s.file ?? '')}  ${s.name}${tags}\n`);
  }
  for (const bad of invalid) process.stderr.write(bad.message.trimEnd() + '\n\n');
  return invalid.length ? EXIT.badInput : EXIT.passed;
}
