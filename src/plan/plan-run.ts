import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_STEP_TIMEOUT_MS, type Scenario } from '../scenario/types';
import { peerProgramPath, supervisorPath } from '../package/package-root';
import { PlanError } from './errors';
import { declaredFilePaths, declaredFileWrites } from './files';
import { peerIdentities, planPeer, type PeerIdentity } from './peers';
import { resolveProgram } from './resolve-program';
import { skipReason } from './platform';
import { newRunDirName, plannedRunBase } from './run-base';
import { checkSunPath } from './sun-path';
import type { PeerPlan, PlannedFile, PlannedRun, PlanOptions, RunPlan } from './types';

export const DEFAULT_GRACE_MS = 2_000;

function checkPeers(scenario: Scenario): void {
  if (scenario.socket.address === 'pair' && !(scenario.server && scenario.clients?.count === 1)) {
    throw new PlanError(
      'ERR_PAIR_PEERS',
      scenario.name,
      'address: pair connects exactly two peers; declare a server and a single client',
    );
  }
}

/** The scenario's own address in a run directory, checked against sun_path. */
function plannedSocket(scenario: Scenario, dir: string): PlannedRun['socket'] {
  const socket: PlannedRun['socket'] = { type: scenario.socket.type, address: scenario.socket.address };
  if (socket.address === 'path') socket.path = checkSunPath(path.join(dir, 's.sock'), 'socket path');
  if (socket.address === 'abstract') socket.abstract = checkSunPath(`uds-fixture-${path.basename(dir)}`, 'abstract socket name');
  return socket;
}

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

/**
 * Plans a run, making nothing: a run directory path under a short base (the base's real path,
 * found by looking only, so that sun_path counts the bytes really bound), the socket paths
 * checked against sun_path, the declared and launch files to write, and each peer's argv, env,
 * cwd and readiness. The run makes and removes what the plan names (src/run/execute.ts), and
 * `validate` calls this same function. A scenario this platform cannot run is a SkippedRun.
 */
export function planRun(scenario: Scenario, options: PlanOptions = {}): RunPlan {
  const reason = skipReason(scenario);
  if (reason !== undefined) return { kind: 'skip', scenarioName: scenario.name, reason };
  checkPeers(scenario);
  const identities = peerIdentities(scenario);
  const peerProgram = options.peerProgram ?? peerProgramPath();
  if (identities.some((p) => p.spec.kind !== 'run') && !existsSync(peerProgram)) {
    throw new PlanError('ERR_PEER_PROGRAM_MISSING', peerProgram, `the scripted peer program ${peerProgram} is missing; build it with \`node scripts/build.mjs\``);
  }
  const supervisor = supervisorPath();
  if (identities.length > 0 && !existsSync(supervisor)) {
    throw new PlanError(
      'ERR_SUPERVISOR_MISSING',
      supervisor,
      `the peer supervisor is missing for ${process.platform}-${process.arch}: none was built at ${supervisor} and none is prebuilt (prebuilds/); build it from the shipped sources: \`npm rebuild uds-fixture\` (python3, make and a C compiler are needed; with install scripts blocked, allow them first: npm install-scripts approve uds-fixture)`,
    );
  }

  const dir = path.join(plannedRunBase(options.tmpBase), options.runName ?? newRunDirName());
  const socket = plannedSocket(scenario, dir);
  const files = declaredFilePaths(dir, scenario.files);
  const writes: PlannedFile[] = declaredFileWrites(files, scenario.files);
  const runMs = options.timeout ?? scenario.timeoutMs;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const run = { dir, socket, files };
  const peers: PeerPlan[] = [];
  for (const who of identities) {
    const { peer, launch } = planPeer(
      { scenario, run, identities, peerProgram, readyTimeoutMs: options.readyTimeout ?? Math.min(DEFAULT_STEP_TIMEOUT_MS, runMs), graceMs, extraEnv: options.env },
      who,
    );
    if (launch && peer.launchFile) writes.push({ path: peer.launchFile, bytes: JSON.stringify(launch, null, 2) + '\n', mode: 0o600 });
    peers.push(peer);
  }
  return {
    kind: 'run',
    scenarioName: scenario.name,
    ...(options.tmpBase !== undefined ? { tmpBase: options.tmpBase } : {}),
    dir,
    runId: path.basename(dir),
    socket,
    files,
    writes,
    peers,
    timeouts: { runMs, graceMs },
  };
}
