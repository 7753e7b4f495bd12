// `uds-fixture run`: load, select, run with a bounded number of scenarios at once, report.
// SIGINT/SIGTERM abort the runs in flight; their teardown completes before the exit.

import { availableParallelism } from 'node:os';
import { runScenario } from '../../pipeline/run-scenario';
import type { ScenarioResult } from '../../judge/result';
import type { Scenario } from '../../scenario/types';
import { PlanError } from '../../plan';
import { appendGithubSummary, palette, toJsonReport, toJUnit, toPretty, wantsColor, writeReports, type InvalidScenario, type RunSummary } from '../../report';
import { discoverScenarioFiles } from '../discover';
import { loadAll } from '../load-all';
import { formatPlanError } from '../plan-problem';
import { mapPool } from '../pool';
import { createProgress } from '../progress';
import { selectScenarios, type Selection } from '../../select/select';
import { scenarioWeight, weightBudget } from '../weight';
import { EXIT, UsageError } from '../usage-error';

export type Reporter = 'pretty' | 'json' | 'junit';

/** `ranMs`: how long the scenario ran before the interruption ended it (its teardown included). */
function interruptedResult(scenario: Scenario, signal: AbortSignal, err: unknown, ranMs: number): ScenarioResult {
  const why = signal.reason instanceof Error ? signal.reason.message : 'interrupted';
  return {
    name: scenario.name,
    file: scenario.file,
    passed: false,
    failures: [{ code: 'HARNESS_ERROR', message: `${why} before the scenario finished; its peers were stopped and its files removed`, cause: (err as { code?: string }).code }],
    warnings: [],
    peers: [],
    timeline: [],
    durationMs: ranMs,
    tags: scenario.tags,
  };
}

export interface RunCommandOptions {
  operands: string[];
  selection: Selection;
  reporters: Reporter[];
  outDir?: string;
  jobs?: number;
  timeoutMs?: number;
  allTimelines: boolean;
}

export async function runCommand(opts: RunCommandOptions, signal: AbortSignal): Promise<number> {
  const started = performance.now();
  const files = await discoverScenarioFiles(opts.operands);
  const { scenarios, invalid, warnings } = await loadAll(files);
  // Warnings go to stderr before the run: stdout may carry a machine report.
  for (const warning of warnings) process.stderr.write(warning + '\n\n');
  const selected = selectScenarios(scenarios, opts.selection);
  if (files.length && !selected.length && !invalid.length) {
    throw new UsageError('no scenario matches the selection (--grep, --tag, --shard)', 'run');
  }
  const machineToStdout = opts.reporters.filter((r) => r !== 'pretty' && !opts.outDir);
  if (machineToStdout.length > 1 || (machineToStdout.length === 1 && opts.reporters.includes('pretty'))) {
    throw new UsageError('only one report can go to standard output: give --out DIR to write json/junit files', 'run');
  }

  const progress = createProgress();
  let done = 0;
  let failed = 0;
  // `--jobs` bounds how many scenarios run at once, the cores bound how many peers: a scenario of
  // twenty clients takes the room of several small ones, and one heavier than the whole budget
  // runs alone (src/cli/weight.ts).
  const cores = availableParallelism();
  const limits = { jobs: opts.jobs ?? cores, budget: weightBudget(cores), weight: (i: number) => scenarioWeight(selected[i]!) };
  const outcomes = await mapPool(selected, limits, async (scenario): Promise<ScenarioResult | InvalidScenario> => {
    const began = performance.now();
    const result = await runScenario(scenario, { timeout: opts.timeoutMs, signal }).catch((err: unknown) => {
      // An interrupted run rejects after its teardown; it still belongs in the report.
      if (signal.aborted) return interruptedResult(scenario, signal, err, performance.now() - began);
      // A scenario that cannot be planned (a path outside the run directory, one too long for
      // sun_path) is bad input like a file that does not load: reported, and the others run on.
      if (err instanceof PlanError) return { file: scenario.file ?? scenario.name, message: formatPlanError(err, scenario.file ?? scenario.name) };
      throw err;
    });
    done++;
    if (!('passed' in result) || !result.passed) failed++;
    progress.update(done, selected.length, failed, 'passed' in result ? result.name : scenario.name);
    return result;
  });
  progress.clear();

  const results = outcomes.filter((o): o is ScenarioResult => 'passed' in o);
  const unplannable = outcomes.filter((o): o is InvalidScenario => !('passed' in o));
  const summary: RunSummary = { results, invalid: [...invalid, ...unplannable], durationMs: performance.now() - started };
  const written = opts.outDir
    ? await writeReports(summary, {
        outDir: opts.outDir,
        reporters: opts.reporters.filter((r): r is 'json' | 'junit' => r !== 'pretty'),
        allTimelines: opts.allTimelines,
      })
    : undefined;
  await appendGithubSummary(summary);

  const human = { reportFiles: written?.files, timelines: written?.timelines };
  if (opts.reporters.includes('pretty')) {
    process.stdout.write(toPretty(summary, palette(wantsColor(process.stdout)), human));
  } else {
    // The chosen reports are for machines; the person at the terminal still learns what failed
    // and where the files are — on stderr when stdout carries the report itself.
    const toStdout = machineToStdout.length === 0;
    const stream = toStdout ? process.stdout : process.stderr;
    stream.write(toPretty(summary, palette(wantsColor(stream)), { ...human, failuresOnly: true }));
    if (machineToStdout[0] === 'json') process.stdout.write(toJsonReport(summary));
    else if (machineToStdout[0] === 'junit') process.stdout.write(toJUnit(summary));
  }

  if (signal.aborted) return EXIT.interrupted;
  if (summary.invalid.length) return EXIT.badInput;
  return results.every((r) => r.passed) ? EXIT.passed : EXIT.failed;
}
