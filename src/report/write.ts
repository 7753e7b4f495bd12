// Writes the chosen reports into the output directory and says which files it wrote.

import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toGithubSummary } from './github-summary';
import { timelineToHtml } from './html';
import { toJsonReport } from './json';
import { toJUnit } from './junit';
import { timelineToMermaid } from './mermaid';
import { slugger, type RunSummary } from './summary';

export type FileReporter = 'json' | 'junit';

export interface WriteReportsOptions {
  outDir: string;
  reporters: FileReporter[];
  /** write timelines (HTML + Mermaid) for every scenario, not only failed ones */
  allTimelines?: boolean;
}

export async function writeReports(summary: RunSummary, options: WriteReportsOptions): Promise<string[]> {
  const written: string[] = [];
  await mkdir(options.outDir, { recursive: true });
  if (options.reporters.includes('json')) {
    const file = path.join(options.outDir, 'results.json');
    await writeFile(file, toJsonReport(summary));
    written.push(file);
  }
  if (options.reporters.includes('junit')) {
    const file = path.join(options.outDir, 'junit.xml');
    await writeFile(file, toJUnit(summary));
    written.push(file);
  }
  const slug = slugger();
  const timelines = summary.results.filter((r) => !r.skipped && (options.allTimelines || !r.passed));
  if (timelines.length) {
    const dir = path.join(options.outDir, 'timelines');
    await mkdir(dir, { recursive: true });
    for (const r of timelines) {
      const base = path.join(dir, slug(r.name));
      await writeFile(`${base}.html`, timelineToHtml(r));
      await writeFile(`${base}.mmd`, timelineToMermaid(r));
      written.push(`${base}.html`);
    }
  }
  return written;
}

/** Appends the Markdown summary when running on GitHub Actions; a no-op elsewhere. */
export async function appendGithubSummary(summary: RunSummary, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  await appendFile(file, toGithubSummary(summary));
}
