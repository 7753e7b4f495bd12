import path from 'node:path';
import type { PeerSpec, Ready, Scenario, Step } from '../scenario/types';
import { EVENTS_PROTOCOL_VERSION, type PeerLaunch } from '../protocol/events';
import { peerMatches } from '../protocol/peer-names';
import { peerEnv } from './env';
import { PAIR_FD } from './pair-fd';
import { PlanError } from './errors';
import { stopPlanFor } from './stop';
import { checkSunPath } from './sun-path';
import { substitute, type Variables } from './substitute';
import type { PeerPlan, PeerRole, PlannedRun, ReadinessPlan } from './types';

export { PAIR_FD };

export interface PeerIdentity {
  id: string;
  role: PeerRole;
  spec: PeerSpec;
  /** own socket file name in the run directory */
  ownName: string;
}

/** Server first, then clients: `client` for a single client, `client-1..N` for a group. */
export function peerIdentities(scenario: Scenario): PeerIdentity[] {
  const peers: PeerIdentity[] = [];
  if (scenario.server) peers.push({ id: 'server', role: 'server', spec: scenario.server, ownName: 's.sock' });
  const clients = scenario.clients;
  if (clients) {
    for (let n = 1; n <= clients.count; n++) {
      peers.push({ id: clients.single ? 'client' : `client-${n}`, role: 'client', spec: clients, ownName: `c${n}.sock` });
    }
  }
  return peers;
}

function variablesFor(run: Pick<PlannedRun, 'dir' | 'socket' | 'files'>): Variables {
  const values: Record<string, string> = { dir: run.dir };
  const unavailable: Record<string, string> = {};
  if (run.socket.path !== undefined) values.socket = run.socket.path;
  else if (run.socket.abstract !== undefined) values.socket = `@${run.socket.abstract}`;
  else unavailable.socket = 'address: pair has no socket path; the socketpair end is the descriptor ${fd}';
  if (run.socket.address === 'pair') values.fd = String(PAIR_FD);
  else unavailable.fd = `only address: pair hands the peer a descriptor (this scenario uses address: ${run.socket.address})`;
  for (const [name, file] of Object.entries(run.files)) values[`files.${name}`] = file;
  return { values, unavailable };
}

/**
 * A scripted server is ready when it has bound its address: waiting for its `listen` (or, for
 * datagrams, `bind`) event avoids a probe connection, which the server would take for its client.
 */
function scriptedReadiness(steps: Step[]): ReadinessPlan {
  const first = steps.find((s) => s.step === 'listen' || s.step === 'bind' || s.step === 'ready');
  return first ? { kind: 'event', event: first.step } : { kind: 'none' };
}

function readinessFor(role: PeerRole, spec: PeerSpec, run: Pick<PlannedRun, 'socket'>): ReadinessPlan {
  // Clients start together once the server is ready; nobody waits for a client.
  if (role === 'client') return { kind: 'none' };
  const ready: Ready = spec.ready;
  switch (ready.kind) {
    case 'none':
      return { kind: 'none' };
    case 'stdout':
      return { kind: 'stdout', pattern: ready.pattern };
    case 'event':
      return { kind: 'event', event: ready.event };
    case 'socket':
      if (run.socket.address === 'pair') return { kind: 'none' };
      if (spec.kind === 'steps') return scriptedReadiness(spec.steps);
      // A module server announces itself through `peer.listen()`; a connecting probe (used where
      // /proc/net/unix is missing) would be taken for its client.
      if (spec.kind === 'module') return { kind: 'event', event: 'listen' };
      return {
        kind: 'socket',
        type: run.socket.type,
        address: run.socket.abstract !== undefined ? { abstract: run.socket.abstract } : { path: run.socket.path! },
      };
  }
}

/**
 * Socket addresses inside steps (`connect.to`, `bind.path`, `send.to`, `recv.from`) may name a
 * peer, an abstract `@name`, or a path. Paths resolve against the run directory, not the scenario
 * file's directory: socket files must live where teardown finds and removes them.
 */
export function resolveStepAddress(value: string, peerIds: Set<string>, vars: Variables, dir: string, where: string, allowOutside: boolean): string {
  const text = substitute(value, vars, where);
  if (peerIds.has(text)) return text;
  if (text.startsWith('@')) {
    checkSunPath(text.slice(1), `abstract name in ${where}`, process.platform, 'shorten the name');
    return text;
  }
  // An absolute path is the user's own: the temp base has no part in its length.
  const fix = path.isAbsolute(text)
    ? `shorten this path, or write a relative name such as \`${path.basename(text)}\`, which goes in the run's temp directory`
    : undefined;
  return checkSunPath(inRunDir(text, dir, where, allowOutside), `socket path in ${where}`, process.platform, fix);
}

/**
 * A relative path of a step, resolved in the run directory, which it may not leave (`../`)
 * unless the scenario says `allowOutsidePaths: true`; an absolute path is explicit by itself.
 */
function inRunDir(text: string, dir: string, where: string, allowOutside: boolean): string {
  const resolved = path.resolve(dir, text);
  const rel = path.relative(dir, resolved);
  if (!allowOutside && !path.isAbsolute(text) && (rel.startsWith('..') || path.isAbsolute(rel))) {
    throw new PlanError(
      'ERR_PATH_OUTSIDE',
      text,
      `${where}: \`${text}\` leads outside the run directory; name a path inside it, give an absolute path, or write \`allowOutsidePaths: true\` at the top of the scenario`,
    );
  }
  return resolved;
}

function resolveSteps(steps: Step[], id: string, peerIds: Set<string>, vars: Variables, dir: string, allowOutside: boolean): Step[] {
  return steps.map((step) => PlanError.at(step.pos, () => resolveStep(step, id, peerIds, vars, dir, allowOutside)));
}

function resolveStep(step: Step, id: string, peerIds: Set<string>, vars: Variables, dir: string, allowOutside: boolean): Step {
  const where = `${id}.steps[${step.index}].${step.step}`;
  switch (step.step) {
    case 'connect':
    case 'send':
      return step.to === undefined ? step : { ...step, to: resolveStepAddress(step.to, peerIds, vars, dir, `${where}.to`, allowOutside) };
    case 'recv':
      return step.from === undefined ? step : { ...step, from: resolveStepAddress(step.from, peerIds, vars, dir, `${where}.from`, allowOutside) };
    case 'bind':
      return step.path === undefined ? step : { ...step, path: resolveStepAddress(step.path, peerIds, vars, dir, `${where}.path`, allowOutside) };
    case 'sendFds':
      return step.dir === undefined ? step : { ...step, dir: inRunDir(substitute(step.dir, vars, `${where}.dir`), dir, `${where}.dir`, allowOutside) };
    default:
      return step;
  }
}

/** What a `bind` step binds: its `path`, else the scenario's address (server) or the peer's own path. */
function bindAddress(written: string | undefined, who: PeerIdentity, peerPaths: Record<string, string>, run: Pick<PlannedRun, 'socket'>): string {
  if (written !== undefined) return peerPaths[written] ?? written;
  if (who.role !== 'server') return peerPaths[who.id]!;
  return run.socket.abstract !== undefined ? `@${run.socket.abstract}` : (run.socket.path ?? peerPaths[who.id]!);
}

// One table per run: every peer's launch carries the same one.
const bindTables = new WeakMap<readonly PeerIdentity[], Record<string, string[]>>();

/** For each scripted peer, the addresses its `bind` steps bind. */
function plannedBinds(ctx: PeerPlanContext, peerIds: Set<string>, vars: Variables, peerPaths: Record<string, string>): Record<string, string[]> {
  const known = bindTables.get(ctx.identities);
  if (known) return known;
  const table: Record<string, string[]> = {};
  for (const other of ctx.identities) {
    if (other.spec.kind !== 'steps') continue;
    const steps = resolveSteps(other.spec.steps, other.id, peerIds, vars, ctx.run.dir, ctx.scenario.allowOutsidePaths === true);
    table[other.id] = steps.flatMap((s) => (s.step === 'bind' ? [bindAddress(s.path, other, peerPaths, ctx.run)] : []));
  }
  bindTables.set(ctx.identities, table);
  return table;
}

/**
 * The events of peer `id` that a `waitFor` of any scripted peer counts; `*` when a module peer is
 * in the run (its code may wait for any event).
 */
function awaitedEventsOf(identities: readonly PeerIdentity[], id: string): string[] {
  const events = new Set<string>();
  for (const other of identities) {
    if (other.spec.kind === 'module') return ['*'];
    if (other.spec.kind !== 'steps') continue;
    for (const step of other.spec.steps) if (step.step === 'waitFor' && peerMatches(step.peer, id)) events.add(step.event);
  }
  return [...events];
}

export interface PeerPlanContext {
  scenario: Scenario;
  run: Pick<PlannedRun, 'dir' | 'socket' | 'files'>;
  identities: PeerIdentity[];
  peerProgram: string;
  readyTimeoutMs: number;
  /** the run's grace between SIGTERM and SIGKILL, the default of a planned stop's `grace` */
  graceMs: number;
  extraEnv?: Record<string, string>;
}

/** The plan of one peer, and for a scripted peer the PeerLaunch to write at `launchFile`. */
export function planPeer(ctx: PeerPlanContext, who: PeerIdentity): { peer: PeerPlan; launch?: PeerLaunch } {
  return PlanError.at(who.spec.pos, () => planPeerAt(ctx, who));
}

function planPeerAt(ctx: PeerPlanContext, who: PeerIdentity): { peer: PeerPlan; launch?: PeerLaunch } {
  const { scenario, run } = ctx;
  const vars = variablesFor(run);
  const spec = who.spec;
  const ownPath = checkSunPath(path.join(run.dir, who.ownName), `${who.id}'s socket path`);
  const cwdText = spec.cwd === undefined ? scenario.baseDir : substitute(spec.cwd, vars, `${who.id}.cwd`);
  const cwd = path.resolve(scenario.baseDir, cwdText);
  const env = peerEnv(run, who.id, spec.env, ctx.extraEnv, vars);
  const pairEnd: 0 | 1 | undefined = run.socket.address === 'pair' ? (who.role === 'server' ? 0 : 1) : undefined;
  const stop = stopPlanFor(who.role, spec, ctx.graceMs);
  const common = {
    id: who.id,
    role: who.role,
    env,
    cwd,
    ready: readinessFor(who.role, spec, run),
    readyTimeoutMs: ctx.readyTimeoutMs,
    ownPath,
    ...(pairEnd === undefined ? {} : { pairEnd }),
    ...(stop ? { stop } : {}),
    ...(spec.pos ? { pos: spec.pos } : {}),
  } as const;

  if (spec.kind === 'run') {
    if (spec.argv.length === 0) throw new PlanError('ERR_PEER_UNSUPPORTED', who.id, `${who.id}.run is empty; give the program and its arguments, e.g. run: [./server, \${socket}]`);
    const argv = spec.argv.map((arg, i) => substitute(arg, vars, `${who.id}.run[${i}]`));
    // A program named with a slash is a path, relative to the scenario file; a bare name is looked up in PATH.
    if (argv[0]!.includes('/')) argv[0] = path.resolve(scenario.baseDir, argv[0]!);
    return { peer: { ...common, program: 'run', argv } };
  }
  const peerIds = new Set(ctx.identities.map((p) => p.id));
  const launchFile = path.join(run.dir, `.peer-${who.id}.json`);
  const peerPaths: Record<string, string> = {};
  for (const other of ctx.identities) peerPaths[other.id] = path.join(run.dir, other.ownName);
  const peerBinds = plannedBinds(ctx, peerIds, vars, peerPaths);
  const launch: PeerLaunch = {
    protocol: EVENTS_PROTOCOL_VERSION,
    id: who.id,
    role: who.role,
    socket: {
      type: run.socket.type,
      address: run.socket.address,
      ...(run.socket.path !== undefined ? { path: run.socket.path } : {}),
      ...(run.socket.abstract !== undefined ? { path: run.socket.abstract } : {}),
      ...(run.socket.address === 'pair' ? { fd: PAIR_FD } : {}),
      ...(scenario.socket.sndbuf !== undefined ? { sndbuf: scenario.socket.sndbuf } : {}),
      ...(scenario.socket.rcvbuf !== undefined ? { rcvbuf: scenario.socket.rcvbuf } : {}),
    },
    dir: run.dir,
    files: run.files,
    ownPath,
    peerPaths,
    peerBinds,
    steps: spec.kind === 'steps' ? resolveSteps(spec.steps, who.id, peerIds, vars, run.dir, scenario.allowOutsidePaths === true) : [],
    awaitedEvents: awaitedEventsOf(ctx.identities, who.id),
    ...(spec.kind === 'module' ? { module: spec.module } : {}),
    fdAccounting: scenario.expect.fdLeaks !== 'ignore',
  };
  return {
    peer: { ...common, program: 'steps', argv: [process.execPath, ctx.peerProgram, launchFile], launchFile },
    launch,
  };
}
