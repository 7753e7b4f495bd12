// Loads one scenario file in a child process and prints its problems as JSON, so a test of a
// file that could block the loader (a FIFO) or grow it without end (/dev/zero) runs under a kill
// timer instead of hanging or exhausting the test runner. argv: <file> <async|sync>.
import { loadScenario, loadScenarioSync, ScenarioError } from '../../../src/scenario';

async function main(): Promise<void> {
  const [file, mode] = process.argv.slice(2) as [string, string];
  try {
    if (mode === 'sync') loadScenarioSync(file);
    else await loadScenario(file);
    process.stdout.write(JSON.stringify({ problems: [] }));
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    process.stdout.write(JSON.stringify({ problems: error.problems }));
  }
}

void main();
