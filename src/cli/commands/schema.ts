import { scenarioJsonSchema } from '../../scenario';

export function schemaCommand(out: NodeJS.WritableStream = process.stdout): number {
  out.write(JSON.stringify(scenarioJsonSchema, null, 2) + '\n');
  return 0;
}
