// How heavy a scenario is for the machine while it runs, and how much weight the machine takes at
// once: the measure the scheduler (pool.ts) bounds besides `--jobs`. What loads a machine is the
// peers' start-up: a scripted (or module) peer is a Node process, tens of milliseconds of CPU and
// ~40 MB before its first step; a `run:` program is usually a small fraction of that.
import type { Scenario } from '../scenario/types';

/** Weight units of one scripted or module peer (a Node process). */
export const NODE_PEER_WEIGHT = 4;
/** Weight units of one `run:` program. */
export const PROGRAM_PEER_WEIGHT = 1;
/** Node peers the machine runs at once per core. */
const NODE_PEERS_PER_CORE = 8;

/** The weight of a scenario: the sum of its peers' weights (at least 1). */
export function scenarioWeight(scenario: Pick<Scenario, 'server' | 'clients'>): number {
  const per = (kind: 'steps' | 'run' | 'module'): number => (kind === 'run' ? PROGRAM_PEER_WEIGHT : NODE_PEER_WEIGHT);
  let weight = 0;
  if (scenario.server) weight += per(scenario.server.kind);
  if (scenario.clients) weight += per(scenario.clients.kind) * scenario.clients.count;
  return Math.max(1, weight);
}

/** The weight the machine takes at once: NODE_PEERS_PER_CORE Node peers per core. */
export function weightBudget(cores: number): number {
  return Math.max(1, cores) * NODE_PEERS_PER_CORE * NODE_PEER_WEIGHT;
}
