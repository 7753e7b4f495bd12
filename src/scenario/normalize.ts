// Validates scenario data (from a file or `defineScenario()`) and turns it into a Scenario: the
// schema first, then the checks a schema cannot express (names that must refer to something,
// limits, files that must exist), every problem collected before anything is thrown.
import type { WrittenAddress } from './addresses';
import { captureBook, checkCaptureUses } from './captures';
import { isRecord, type NormalizeContext } from './context';
import { ScenarioError, type Problem } from './errors';
import { normalizeExpect } from './expect';
import { normalizeFiles } from './files';
import { peerIdsOf, normalizePeer } from './peers';
import { normalizeProxy } from './proxy';
import type { PositionLookup } from './position-types';
import { ProblemList } from './problem-list';
import { schemaProblems } from './schema-errors';
import { checkWorkable } from './workable';
import { DEFAULT_TIMEOUT_MS, type AddressKind, type Platform, type Scenario, type SocketType } from './types';
import { durationMs } from './units';

export interface ScenarioOrigin {
  /** absolute path of the scenario file; absent for inline scenarios (problems then name JSON paths) */
  file?: string;
  /** how problems name the file (default: `file`), e.g. the path as the user typed it */
  displayName?: string;
  /** where relative paths in the scenario start */
  baseDir: string;
  positions?: PositionLookup;
}

export interface CheckedScenario {
  /** present when there are no problems */
  scenario?: Scenario;
  problems: Problem[];
  /** what is probably a mistake; also given beside the problems, so one round shows both */
  warnings?: Problem[];
  /** the socket addresses steps name, for the plan's sun_path check (src/plan/address-check.ts) */
  addresses?: WrittenAddress[];
}

const ALL_PLATFORMS: Platform[] = ['linux', 'darwin'];

/** Every problem of `input`, and the Scenario when there are none. Never throws for bad input. */
export function checkScenario(input: unknown, origin: ScenarioOrigin): CheckedScenario {
  const problems = new ProblemList(origin.displayName ?? origin.file, origin.positions);
  if (input === null || input === undefined) {
    problems.add([], origin.file !== undefined ? 'the file is empty' : 'no scenario given', { hint: 'a scenario starts with `name:` and declares `server:` and `client:`' });
    return { problems: problems.result() };
  }
  for (const raw of schemaProblems(input)) problems.addSchema(raw);
  if (!isRecord(input)) return { problems: problems.result() };

  const fileNames = new Set(isRecord(input.files) ? Object.keys(input.files) : []);
  const ctx: NormalizeContext = {
    problems,
    baseDir: origin.baseDir,
    fileNames,
    peerIds: peerIdsOf(input),
    allowOutside: input.allowOutsidePaths === true,
    socketType: socketOf(input.socket).type,
    address: socketOf(input.socket).address,
    captures: captureBook(),
    addresses: [],
  };
  if (origin.file !== undefined) ctx.file = origin.file;
  if (origin.positions !== undefined) ctx.positions = origin.positions;

  const scenario = build(ctx, input);
  const warnings = problems.warnings();
  const addresses = ctx.addresses ?? [];
  if (problems.size > 0) return { problems: problems.result(), ...(warnings.length > 0 ? { warnings } : {}), addresses };
  if (warnings.length > 0) scenario.warnings = warnings;
  return { scenario, problems: [], addresses };
}

/** The Scenario for `input`; throws ScenarioError listing every problem. */
export function normalizeScenario(input: unknown, origin: ScenarioOrigin): Scenario {
  const checked = checkScenario(input, origin);
  const file = origin.displayName ?? origin.file;
  if (checked.scenario === undefined) throw new ScenarioError(checked.problems, { ...(file !== undefined ? { file } : {}), ...(checked.warnings ? { warnings: checked.warnings } : {}) });
  return checked.scenario;
}

function socketOf(input: unknown): Scenario['socket'] {
  if (typeof input === 'string') return { type: input as SocketType, address: 'path' };
  const written = isRecord(input) ? input : {};
  const socket: Scenario['socket'] = { type: (written.type as SocketType | undefined) ?? 'stream', address: (written.address as AddressKind | undefined) ?? 'path' };
  if (typeof written.sndbuf === 'number') socket.sndbuf = written.sndbuf;
  if (typeof written.rcvbuf === 'number') socket.rcvbuf = written.rcvbuf;
  return socket;
}

function build(ctx: NormalizeContext, input: Record<string, unknown>): Scenario {
  const { problems } = ctx;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (input.timeout !== undefined && problems.isSound(['timeout'])) {
    const parsed = durationMs(input.timeout as string | number);
    if (!parsed.ok) problems.add(['timeout'], `\`timeout\` ${parsed.message}`, { hint: parsed.hint });
    else if (parsed.value === 0) problems.add(['timeout'], '`timeout` must be more than 0');
    else timeoutMs = parsed.value;
  }

  const socket = socketOf(input.socket);
  const files = normalizeFiles(ctx, input.files);

  if (input.server === undefined && input.client === undefined && input.clients === undefined) {
    problems.add([], 'a scenario needs at least one peer: `server`, `client` or `clients`');
  }
  if (input.client !== undefined && input.clients !== undefined) {
    problems.add(['clients'], 'write either `client` (one) or `clients` (several), not both', { target: 'key', hint: 'one client: `client:`; N clients: `clients: { count: N, ... }`' });
  }

  const scenario: Scenario = {
    name: String(input.name ?? ''),
    tags: Array.isArray(input.tags) ? input.tags.map(String) : [],
    platforms: Array.isArray(input.platforms) ? (input.platforms as Platform[]) : [...ALL_PLATFORMS],
    timeoutMs,
    socket,
    files,
    expect: normalizeExpect(ctx, input.expect),
    baseDir: ctx.baseDir,
  };
  if (typeof input.description === 'string') scenario.description = input.description;
  if (ctx.allowOutside) scenario.allowOutsidePaths = true;
  if (ctx.file !== undefined) scenario.file = ctx.file;

  if (isRecord(input.server)) {
    const server = normalizePeer(ctx, ['server'], 'server', input.server);
    if (server !== undefined) scenario.server = server;
  }
  const group = isRecord(input.client) ? { key: 'client', input: input.client } : isRecord(input.clients) ? { key: 'clients', input: input.clients } : undefined;
  if (group !== undefined) {
    const { count, ...peer } = group.input;
    const spec = normalizePeer(ctx, [group.key], 'client', peer);
    if (spec !== undefined) {
      scenario.clients = group.key === 'client' ? { ...spec, count: 1, single: true } : { ...spec, count: count as number, single: false };
    }
  }

  const written = [
    ...(scenario.server !== undefined ? [{ key: 'server', spec: scenario.server }] : []),
    ...(scenario.clients !== undefined && group !== undefined ? [{ key: group.key, spec: scenario.clients }] : []),
  ];
  checkWorkable(ctx, scenario, written);
  const proxy = normalizeProxy(ctx, input, socket);
  if (proxy !== undefined) scenario.proxy = proxy;

  checkCaptureUses(ctx);
  // A socketpair has two ends: one server, one client.
  if (socket.address === 'pair' && (scenario.clients?.count ?? 1) !== 1) {
    problems.add(['socket', 'address'], '`address: pair` connects exactly two peers, a server and one client', { hint: 'use `client:` (one client), or `address: path`' });
  }
  return scenario;
}
