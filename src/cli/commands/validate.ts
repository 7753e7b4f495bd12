import { EXIT } from '../usage-error';
import { discoverScenarioFiles } from '../discover';
import { loadAll } from '../load-all';

export async function validateCommand(operands: string[]): Promise<number> {
  const files = await discoverScenarioFiles(operands.length ? operands : ['.'], process.cwd(), 'validate');
  const { scenarios, invalid, warnings } = await loadAll(files);
  for (const s of scenarios) process.stdout.write(`ok  ${s.file}  (${s.name})${s.warnings ? `  (${s.warnings.length} warning${s.warnings.length === 1 ? '' : 's'})` : ''}\n`);
  for (const warning of warnings) process.stderr.write(warning + '\n\n');
  for (const bad of invalid) process.stderr.write(bad.message.trimEnd() + '\n\n');
  process.stdout.write(`${scenarios.length} valid, ${invalid.length} invalid\n`);
  return invalid.length ? EXIT.badInput : EXIT.passed;
}
