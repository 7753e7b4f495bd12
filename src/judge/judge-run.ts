import type { Scenario } from '../scenario/types';
import type { RunPlan } from '../plan/types';
import type { RunRecord } from '../run/types';
import { cleanupVerdict } from './cleanup';
import { exitVerdict } from './exits';
import { harnessVerdict } from './harness';
import { outputVerdict } from './output';
import type { Failure, PeerOutcome, ScenarioResult, Warning } from './result';
import { startupVerdict } from './startup';
import { stepVerdict } from './steps';
import { timeoutVerdict } from './timeouts';
import { trafficVerdict } from './traffic';
import { descriptorVerdict } from './descriptors';
import { unreadVerdict } from './unread';
import type { Verdict } from './verdict';

/**
 * The verdict families, in the order their failures are listed: what stopped the run first, then
 * what the peers said and what crossed the socket, then how they ended and what they left.
 */
export const VERDICTS: readonly Verdict[] = [
  harnessVerdict,
  startupVerdict,
  timeoutVerdict,
  stepVerdict,
  trafficVerdict,
  descriptorVerdict,
  unreadVerdict,
  exitVerdict,
  outputVerdict,
  cleanupVerdict,
];

export function skippedResult(scenario: Scenario, reason: string): ScenarioResult {
  return {
    name: scenario.name,
    ...(scenario.file ? { file: scenario.file } : {}),
    passed: true,
    skipped: reason,
    failures: [],
    warnings: [],
    peers: [],
    timeline: [],
    durationMs: 0,
    tags: scenario.tags,
  };
}

/** Judges a finished run against the scenario's expectations. Pure: reads its inputs only. */
export function judgeRun(scenario: Scenario, plan: RunPlan, record: RunRecord, verdicts: readonly Verdict[] = VERDICTS): ScenarioResult {
  if (plan.kind === 'skip') return skippedResult(scenario, plan.reason);
  const failures: Failure[] = [];
  const warnings: Warning[] = [];
  for (const verdict of verdicts) {
    const found = verdict({ scenario, plan, record });
    failures.push(...(found.failures ?? []));
    warnings.push(...(found.warnings ?? []));
  }
  const peers: PeerOutcome[] = record.peers.map((p) => ({
    id: p.id,
    role: p.role,
    ...(p.pid !== undefined ? { pid: p.pid } : {}),
    exitCode: p.exitCode,
    signal: p.signal,
    killedByHarness: p.killedByHarness,
    end: p.end,
    ...(p.plannedStop ? { plannedStop: p.plannedStop } : {}),
    stdout: p.stdout,
    stderr: p.stderr,
    argv: p.argv,
  }));
  return {
    name: scenario.name,
    ...(scenario.file ? { file: scenario.file } : {}),
    passed: failures.length === 0,
    failures,
    warnings,
    peers,
    timeline: record.timeline,
    durationMs: record.durationMs,
    dir: record.dir,
    tags: scenario.tags,
    ...(scenario.expect.withinMs !== undefined ? { withinMs: scenario.expect.withinMs } : {}),
  };
}
