import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_STEP_TIMEOUT_MS, type Scenario } from '../scenario/types';
import { peerProgramPath, supervisorPath } from '../run/package-root';
import { realPathOf } from '../scenario/context';
import { reapStaleRunDirs } from '../run/reaper';
import { PlanError } from './errors';
import { declaredFilePaths, writeDeclaredFiles } from './files';
import { peerIdentities, planPeer, type PeerIdentity } from './peers';
import { resolveProgram } from './resolve-program';
import { skipReason } from './platform';
import { createRunDir, prepareTmpBase, removeRunDir, resolveRunBase, RUN_DIR_PREFIX } from './run-dir';
import { checkSunPath } from './sun-path';
import { clientView, plannedProxy } from './proxy';
import type { PeerPlan, PlannedRun, PlanOptions, RunPlan } from './types';

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
 * planRun's checks of the scenario, without making anything (`uds-fixture validate`): socket
 * paths against sun_path under the temp base in use, with a run directory name of the real
 * length; relative paths that would leave the run directory; substitutions; file names; pair
 * peers. Throws the PlanError planRun would. The temp base itself is checked only by a run.
 */
export function checkPlan(scenario: Scenario, options: Pick<PlanOptions, 'tmpBase'> = {}): void {
  if (skipReason(scenario) !== undefined) return;
  checkPeers(scenario);
  const identities = peerIdentities(scenario);
  const dir = path.join(realPathOf(resolveRunBase(options.tmpBase)), `${RUN_DIR_PREFIX}${process.pid.toString(36)}-XXXXXX`);
  const run = { dir, socket: plannedSocket(scenario, dir), files: declaredFilePaths(dir, scenario.files) };
  const proxy = plannedProxy(scenario, dir, run.socket);
  const checked = new Set<PeerIdentity['spec']>();
  for (const who of identities) {
    const { peer } = planPeer({ scenario, run: who.role === 'client' ? clientView(run, proxy) : run, identities, peerProgram: 'peer', readyTimeoutMs: 0, graceMs: DEFAULT_GRACE_MS }, who);
    if (!checked.has(who.spec)) checkProgram(who, peer, scenario.baseDir);
    checked.add(who.spec);
  }
}

/**
 * A `run:` program must exist and be executable, found the way the run will find it (the peer's
 * PATH and working directory). Skipped when the program or the working directory is named
 * through `${...}`: those exist only in a run directory. A run itself does not repeat this check:
 * a program that vanishes in between is still a SPAWN_FAILED with its errno.
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
 * Plans a run: a private 0700 run directory under a short base, the socket paths (checked
 * against sun_path), the declared files, and each peer's argv, env, cwd and readiness. Stale run
 * directories of dead harnesses are swept first. A scenario this platform cannot run is a
 * SkippedRun and creates nothing.
 */
export async function planRun(scenario: Scenario, options: PlanOptions = {}): Promise<RunPlan> {
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

  const base = await prepareTmpBase(options.tmpBase);
  await reapStaleRunDirs(base);
  const dir = await createRunDir(base);
  try {
    const runId = path.basename(dir);
    const socket = plannedSocket(scenario, dir);
    const files = await writeDeclaredFiles(dir, scenario.files);
    const runMs = options.timeout ?? scenario.timeoutMs;
    const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    const run = { dir, socket, files };
    const proxy = plannedProxy(scenario, dir, socket);
    const peers: PeerPlan[] = [];
    for (const who of identities) {
      const { peer, launch } = planPeer(
        { scenario, run: who.role === 'client' ? clientView(run, proxy) : run, identities, peerProgram, readyTimeoutMs: options.readyTimeout ?? Math.min(DEFAULT_STEP_TIMEOUT_MS, runMs), graceMs, extraEnv: options.env },
        who,
      );
      if (launch && peer.launchFile) await writeFile(peer.launchFile, JSON.stringify(launch, null, 2) + '\n', { mode: 0o600 });
      peers.push(peer);
    }
    return {
      kind: 'run',
      scenarioName: scenario.name,
      dir,
      runId,
      socket,
      files,
      ...(proxy ? { proxy } : {}),
      peers,
      timeouts: { runMs, graceMs },
    };
  } catch (err) {
    await removeRunDir(dir);
    throw err;
  }
}
