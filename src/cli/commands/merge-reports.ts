// `uds-fixture merge-reports DIR...`: the JSON reports of every shard of a suite (each written by
// `run --reporter json --out DIR`) become one JSON report, one JUnit file, the timelines of the
// failed scenarios and an HTML index, in --out; the terminal gets the failures.

import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mergeShardReports, readShardReport, ReportMergeError, type ShardReport } from '../../report/merge';
import { runIndexHtml } from '../../report/index-html';
import { palette, toPretty, wantsColor, writeReports } from '../../report';
import { EXIT, UsageError } from '../usage-error';

export interface MergeReportsOptions {
  operands: string[];
  outDir?: string;
}

/** A shard's results.json: the operand itself, or results.json inside it. */
async function reportFile(operand: string): Promise<string> {
  let info;
  try {
    info = await stat(operand);
  } catch {
    throw new UsageError(`'${operand}' does not exist; give the --out directories of the shards' runs (each holds results.json)`, 'merge-reports');
  }
  return info.isDirectory() ? path.join(operand, 'results.json') : operand;
}

async function readShard(file: string): Promise<ShardReport> {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code}); each shard's run needs --reporter json --out DIR`, 'merge-reports');
  }
  try {
    return readShardReport(file, JSON.parse(text));
  } catch (err) {
    if (err instanceof ReportMergeError) throw new UsageError(err.message, 'merge-reports');
    throw new UsageError(`${file} is not JSON: ${(err as Error).message}`, 'merge-reports');
  }
}

export async function mergeReportsCommand(opts: MergeReportsOptions): Promise<number> {
  if (opts.operands.length === 0) throw new UsageError('give the report directories of the shards to merge', 'merge-reports');
  if (!opts.outDir) throw new UsageError('give --out DIR: where the merged reports go', 'merge-reports');
  const files = await Promise.all(opts.operands.map(reportFile));
  const shards = await Promise.all(files.map(readShard));
  const { summary, duplicates } = mergeShardReports(shards);
  const written = await writeReports(summary, { outDir: opts.outDir, reporters: ['json', 'junit'] });
  const links = new Map([...written.timelines].map(([result, pages]) => [result, path.relative(opts.outDir!, pages[0]!)]));
  const index = path.join(opts.outDir, 'index.html');
  await writeFile(index, runIndexHtml(summary, links));
  for (const d of duplicates) process.stderr.write(`uds-fixture: ${d} is in more than one shard's report; the last one is kept\n`);
  process.stdout.write(
    toPretty(summary, palette(wantsColor(process.stdout)), { failuresOnly: true, reportFiles: [...written.files, index], timelines: written.timelines }),
  );
  if (summary.invalid.length) return EXIT.badInput;
  return summary.results.every((r) => r.passed) ? EXIT.passed : EXIT.failed;
}
