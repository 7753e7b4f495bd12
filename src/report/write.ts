// Writes the chosen reports into the output directory and says which files it wrote.

import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toGithubSummary } from './github-summary';
import { timelineToHtml } from './html';
import { toJsonReport } from './json';
import { toJUnit } from './junit';
import { timelineToMermaid } from './mermaid';
import { slugger, type RunSummary } from './summary';
import type { ScenarioResult } from '../judge/result';

export type FileReporter = 'json' | 'junit';

export interface WriteReportsOptions {
  outDir: string;
  reporters: FileReporter[];
  /** write timelines (HTML + Mermaid) for every scenario, not only failed ones */
  allTimelines?: boolean;
}

export interface WrittenReports {
  /** every file written, reports first */
  files: string[];
  /** the timeline files of each scenario that has them (HTML, then Mermaid) */
  timelines: Map<ScenarioResult, string[]>;
}

export async function writeReports(summary: RunSummary, options: WriteReportsOptions): Promise<WrittenReports> {
  const written: string[] = [];
  const timelineFiles = new Map<ScenarioResult, string[]>();
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
      written.push(`${base}.html`, `${base}.mmd`);
      timelineFiles.set(r, [`${base}.html`, `${base}.mmd`]);
    }
  }
  return { files: written, timelines: timelineFiles };
}

/** Appends the Markdown summary when running on GitHub Actions; a no-op elsewhere. */
export async function appendGithubSummary(summary: RunSummary, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  await appendFile(file, toGithubSummary(summary));
}
