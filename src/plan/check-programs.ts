// The check `uds-fixture validate` adds to planning: the programs of `run:` peers are there.
// It reads the file system (the planned PATH and working directory) but makes nothing.
import type { Scenario } from '../scenario/types';
import { PlanError } from './errors';
import { peerIdentities, type PeerIdentity } from './peers';
import { resolveProgram } from './resolve-program';
import type { PeerPlan, PlannedRun } from './types';

/**
 * What `uds-fixture validate` checks beyond the plan itself: every `run:` program exists and is
 * executable, found the way the run will find it. Throws the PlanError naming the first that is not.
 */
export function checkPrograms(scenario: Scenario, plan: PlannedRun): void {
  const checked = new Set<PeerIdentity['spec']>();
  for (const who of peerIdentities(scenario)) {
    const peer = plan.peers.find((p) => p.id === who.id)!;
    if (!checked.has(who.spec)) checkProgram(who, peer, scenario.baseDir);
    checked.add(who.spec);
  }
}

/**
 * A `run:` program must exist and be executable, found the way the run will find it (the peer's
 * PATH and working directory). Skipped when the program or the working directory is named
 * through `${...}`: those exist only in a run directory. A run does not make this check: a
 * program missing then is a SPAWN_FAILED with its errno, a verdict like any other.
 */
function checkProgram(who: PeerIdentity, peer: PeerPlan, baseDir: string): void {
  const spec = who.spec;
  if (spec.kind !== 'run' || spec.argv[0] === undefined || spec.argv[0].includes('${') || spec.cwd?.includes('${')) return;
  const written = spec.argv[0];
  const found = resolveProgram(peer.argv[0]!, peer.env, peer.cwd);
  if (!('code' in found)) return;
  const where = written.includes('/') ? `(${peer.argv[0]}; a relative path starts at the scenario's directory ${baseDir})` : `in the peer's PATH (${peer.env.PATH ?? '/bin:/usr/bin'})`;
  const pos = spec.programPos ?? spec.pos;
  if (found.code === 'ENOENT') {
    throw new PlanError('ERR_PROGRAM_NOT_FOUND', written, `${who.id}.run: no program \`${written}\` ${where}; build or install it, fix the name, or give its path`, pos ? { pos } : undefined);
  }
  throw new PlanError(
    'ERR_PROGRAM_NOT_EXECUTABLE',
    written,
    `${who.id}.run: \`${written}\` ${where} is not an executable file; \`chmod +x\` it, or run it through its interpreter, e.g. run: [python3, script.py]`,
    pos ? { pos } : undefined,
  );
}
