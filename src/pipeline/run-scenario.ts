import type { PeerEvent } from '../protocol/events';
import { loadScenario, normalizeScenario } from '../scenario';
import type { Scenario, ScenarioInput } from '../scenario/types';
import { planRun } from '../plan/plan-run';
import type { PlanOptions } from '../plan/types';
import { executePlan } from '../run/execute';
import { judgeRun, skippedResult } from '../judge/judge-run';
import type { ScenarioResult } from '../judge/result';
import { HarnessError } from '../errors/harness-error';

export interface RunOptions {
  /** whole-run timeout in ms; overrides the scenario's `timeout` */
  timeout?: number;
  /** base for run directories (default /tmp/uds-fixture-<uid>; env UDS_FIXTURE_TMPDIR); runs go in a private uds-fixture-<uid> inside a base others can write to */
  tmpBase?: string;
  /** stops the run: peers are killed, everything removed, and runScenario rejects with ERR_RUN_ABORTED */
  signal?: AbortSignal;
  /** extra environment for every peer (a peer's own `env:` wins) */
  env?: Record<string, string>;
  /** directory that relative paths of an inline scenario resolve against (default: process.cwd()) */
  baseDir?: string;
  /** called with every event as it arrives (peers' and the harness's), e.g. to watch a run live */
  onEvent?: (event: PeerEvent) => void;
}

function isScenario(value: ScenarioInput | Scenario): value is Scenario {
  // Only a normalized scenario carries these; an input never has `timeoutMs` nor `baseDir`.
  return typeof (value as Scenario).timeoutMs === 'number' && typeof (value as Scenario).baseDir === 'string';
}

async function toScenario(input: string | ScenarioInput | Scenario, options: RunOptions): Promise<Scenario> {
  if (typeof input === 'string') return loadScenario(input);
  if (isScenario(input)) return input;
  return normalizeScenario(input, { baseDir: options.baseDir ?? process.cwd() });
}

/**
 * The pipeline every face uses: load → plan → run → judge. Loads (or takes) a scenario, plans it
 * (a value, nothing made), runs its peers and judges the run. Invalid scenarios and
 * impossible plans reject (ScenarioError, PlanError); everything the peers did, including
 * crashing and hanging, is in the result. Nothing the run made outlives this call.
 */
export async function runScenario(fileOrScenario: string | ScenarioInput | Scenario, options: RunOptions = {}): Promise<ScenarioResult> {
  const scenario = await toScenario(fileOrScenario, options);
  const planOptions: PlanOptions = {
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
    ...(options.tmpBase !== undefined ? { tmpBase: options.tmpBase } : {}),
    ...(options.env !== undefined ? { env: options.env } : {}),
  };
  const plan = planRun(scenario, planOptions);
  if (plan.kind === 'skip') return skippedResult(scenario, plan.reason);
  // The run makes, owns and removes everything on disk and every process.
  const record = await executePlan(plan, { ...(options.signal ? { signal: options.signal } : {}), ...(options.onEvent ? { onEvent: options.onEvent } : {}) });
  if (record.aborted) {
    throw new HarnessError('ERR_RUN_ABORTED', scenario.name, `the run of "${scenario.name}" was aborted; its peers were stopped and its directory removed`, {
      cause: options.signal?.reason,
    });
  }
  return judgeRun(scenario, plan, record);
}
