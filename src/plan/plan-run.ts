import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_STEP_TIMEOUT_MS, type Scenario } from '../scenario/types';
import { peerProgramPath, supervisorPath } from '../package/package-root';
import { PlanError } from './errors';
import { declaredFilePaths, declaredFileWrites } from './files';
import { peerIdentities, planPeer } from './peers';
import { skipReason } from './platform';
import { newRunDirName, plannedRunBase } from './run-base';
import { checkSunPath } from './sun-path';
import { clientView, plannedProxy } from './proxy';
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
  // Through a proxy, clients are given its address; the server binds the real one.
  const proxy = plannedProxy(scenario, dir, socket);
  const peers: PeerPlan[] = [];
  for (const who of identities) {
    const { peer, launch } = planPeer(
      { scenario, run: who.role === 'client' ? clientView(run, proxy) : run, identities, peerProgram, readyTimeoutMs: options.readyTimeout ?? Math.min(DEFAULT_STEP_TIMEOUT_MS, runMs), graceMs, extraEnv: options.env },
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
    ...(proxy ? { proxy } : {}),
    peers,
    timeouts: { runMs, graceMs },
  };
}
