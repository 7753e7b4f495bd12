// `server:`, `client:` and `clients:` as PeerSpecs: the program (steps, argv or module), its
// environment, and when it counts as ready.
import { statSync } from 'node:fs';
import { isRecord, scenarioPath, sourcePos, type NormalizeContext } from './context';
import type { PathSegment } from './errors';
import { unknownSignal } from './names';
import { normalizeSteps } from './steps';
import { listNames } from './suggest';
import { DEFAULT_STOP_AFTER_MS, DEFAULT_STOP_SIGNAL, type PeerProgram, type PeerSpec, type Ready, type Step, type StopPolicy } from './types';
import { durationMs } from './units';
import { fileKind } from './user-file';
import { checkVariables } from './variables';
import { regexProblem } from './visible';

const PROGRAM_KEYS = ['steps', 'run', 'module'] as const;

/**
 * A module the peer will `require` must be a regular file: a FIFO would block the peer in open()
 * and a device would be read without end. Only `stat`ed here (never opened); a missing module is
 * reported by the peer that loads it.
 */
function isSpecialFile(ctx: NormalizeContext, at: readonly PathSegment[], written: string, absolute: string): boolean {
  let st;
  try {
    st = statSync(absolute);
  } catch {
    return false;
  }
  if (st.isFile()) return false;
  ctx.problems.add(at, `\`${written}\` (${absolute}) is ${fileKind(st)}, not a regular file`, { hint: 'name a .js, .cjs, .mjs or .ts file' });
  return true;
}

/** The ids steps and expectations may name, from the peers as written (before validation). */
export function peerIdsOf(input: Record<string, unknown>): string[] {
  const ids: string[] = [];
  if (input.server !== undefined) ids.push('server');
  if (input.client !== undefined) ids.push('client');
  if (isRecord(input.clients)) {
    const count = input.clients.count;
    if (typeof count === 'number' && Number.isInteger(count) && count >= 1 && count <= 1000) {
      for (let i = 1; i <= count; i++) ids.push(`client-${i}`);
    }
  }
  return ids;
}

/**
 * Readiness when none is written: a scripted server is ready once its socket is set up (`listen`,
 * or `bind` for a datagram server), an external or module server once its socket accepts
 * connections, and clients at once.
 */
function defaultReady(role: 'server' | 'client', program: PeerProgram): Ready {
  if (role === 'client') return { kind: 'none' };
  if (program.kind !== 'steps') return { kind: 'socket' };
  const setup = program.steps.find((s: Step) => s.step === 'listen') ?? program.steps.find((s: Step) => s.step === 'bind');
  return setup !== undefined ? { kind: 'event', event: setup.step } : { kind: 'none' };
}

function readyOf(ctx: NormalizeContext, at: readonly PathSegment[], written: unknown): Ready | undefined {
  if (written === 'socket' || written === 'none') return { kind: written };
  if (!isRecord(written)) return undefined;
  const { stdout, event } = written as { stdout?: string; event?: string };
  if (stdout !== undefined && event !== undefined) {
    ctx.problems.add([...at, 'event'], '`ready` is either `stdout` or `event`, not both', { target: 'key', hint: 'keep one of them' });
    return undefined;
  }
  if (stdout !== undefined) {
    const invalid = regexProblem(stdout);
    if (invalid !== undefined) {
      ctx.problems.add([...at, 'stdout'], `\`stdout\` is not a valid regular expression: ${invalid}`);
      return undefined;
    }
    return { kind: 'stdout', pattern: stdout };
  }
  if (event !== undefined) return { kind: 'event', event };
  ctx.problems.add(at, '`ready` needs `stdout` or `event`', { hint: 'or write `ready: socket` or `ready: none`' });
  return undefined;
}

/**
 * Signals a planned stop may send: the ones programs end on. The peer's supervisor
 * (native/supervise.c) leads its process group and must outlive the program to report how it
 * ended, so it catches exactly these; any other would end the supervisor first, or suspend the
 * program instead of ending it.
 */
const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGKILL'] as const;

/**
 * `stop:` of a `run:` peer. A scripted or module peer ends with its own program, and a client's
 * planned stop counts from the server's end, so both need what they refer to.
 */
function stopOf(ctx: NormalizeContext, at: readonly PathSegment[], role: 'server' | 'client', kind: PeerProgram['kind'] | undefined, written: Record<string, unknown>): StopPolicy | undefined {
  let sound = true;
  if (kind !== undefined && kind !== 'run') {
    ctx.problems.add(at, `\`stop\` applies to \`run:\` peers; a ${kind === 'steps' ? 'scripted' : 'module'} peer ends when its ${kind === 'steps' ? 'last step' : 'function'} does`, {
      target: 'key',
      hint: 'remove `stop`; the run\'s `timeout:` bounds a peer that never ends',
    });
    sound = false;
  }
  if (role === 'client' && !ctx.peerIds.includes('server')) {
    ctx.problems.add(at, '`stop` on a client counts from the end of the server, and this scenario has no server', {
      target: 'key',
      hint: 'remove `stop`; the run\'s `timeout:` bounds a client that never ends',
    });
    sound = false;
  }
  const ms = (key: 'after' | 'grace'): number | undefined => {
    if (written[key] === undefined || !ctx.problems.isSound([...at, key])) return undefined;
    const parsed = durationMs(written[key] as string | number);
    if (parsed.ok) return parsed.value;
    ctx.problems.add([...at, key], `\`${key}\` ${parsed.message}`, { hint: parsed.hint });
    sound = false;
    return undefined;
  };
  const afterMs = ms('after');
  const graceMs = ms('grace');
  const signal = typeof written.signal === 'string' ? written.signal : DEFAULT_STOP_SIGNAL;
  const unknown = unknownSignal(signal);
  if (unknown !== undefined) {
    ctx.problems.add([...at, 'signal'], unknown.message, { hint: unknown.hint });
    sound = false;
  } else if (!(STOP_SIGNALS as readonly string[]).includes(signal)) {
    ctx.problems.add([...at, 'signal'], `a planned stop cannot send \`${signal}\``, { hint: `use the signal the program ends on: ${listNames([...STOP_SIGNALS], 'or')}` });
    sound = false;
  }
  if (!sound) return undefined;
  const stop: StopPolicy = { afterMs: afterMs ?? DEFAULT_STOP_AFTER_MS, signal };
  if (graceMs !== undefined) stop.graceMs = graceMs;
  const pos = sourcePos(ctx, at, 'key');
  if (pos !== undefined) stop.pos = pos;
  return stop;
}

export function normalizePeer(ctx: NormalizeContext, at: readonly PathSegment[], role: 'server' | 'client', input: Record<string, unknown>): PeerSpec | undefined {
  const name = String(at[at.length - 1]);
  const written = PROGRAM_KEYS.filter((key) => input[key] !== undefined);
  if (written.length === 0) {
    ctx.problems.add(at, `\`${name}\` needs ${listNames([...PROGRAM_KEYS])}`, {
      target: 'key',
      hint: '`steps` for a scripted peer, `run: [program, args...]` for any program, `module` for a peer module',
    });
    return undefined;
  }
  // Both written: still check the first, so its problems show up in the same round.
  const conflicting = written.length > 1;
  if (conflicting) {
    ctx.problems.add([...at, written[1]!], `\`${name}\` has both ${listNames(written, 'and')}; a peer runs one program`, {
      target: 'key',
      hint: `keep one: \`steps\` (scripted), \`run\` (any program) or \`module\` (a peer module)`,
    });
  }

  let program: PeerProgram | undefined;
  const key = written[0]!;
  if (key === 'steps' && Array.isArray(input.steps)) {
    const steps = normalizeSteps(ctx, [...at, 'steps'], input.steps as unknown[]);
    program = { kind: 'steps', steps };
  } else if (key === 'run' && ctx.problems.isSound([...at, 'run'])) {
    const argv = input.run as string[];
    const bad = argv.findIndex((arg) => arg.includes('\0'));
    if (bad !== -1) ctx.problems.add([...at, 'run', bad], 'an argument cannot contain a NUL byte');
    else {
      program = { kind: 'run', argv: [...argv] };
      const programPos = sourcePos(ctx, [...at, 'run', 0]);
      if (programPos !== undefined) program.programPos = programPos;
    }
    argv.forEach((arg, i) => checkVariables(ctx, [...at, 'run', i], arg));
  } else if (key === 'module' && ctx.problems.isSound([...at, 'module'])) {
    const module = scenarioPath(ctx, [...at, 'module'], input.module as string);
    if (module !== undefined && !isSpecialFile(ctx, [...at, 'module'], input.module as string, module)) program = { kind: 'module', module };
  }

  const env: Record<string, string> = {};
  if (isRecord(input.env) && ctx.problems.isSound([...at, 'env'])) {
    for (const [variable, value] of Object.entries(input.env)) {
      if (variable.includes('=') || variable.includes('\0') || variable === '') {
        ctx.problems.add([...at, 'env', variable], `\`${variable}\` cannot be an environment variable name`, { target: 'key' });
      } else if ((value as string).includes('\0')) {
        ctx.problems.add([...at, 'env', variable], 'an environment value cannot contain a NUL byte');
      } else {
        checkVariables(ctx, [...at, 'env', variable], value as string);
        env[variable] = value as string;
      }
    }
  }

  let cwd: string | undefined;
  if (typeof input.cwd === 'string') {
    // `${dir}` and friends are substituted when the run is planned; only plain paths resolve here.
    cwd = input.cwd.includes('${') && !input.cwd.includes('\0') ? input.cwd : scenarioPath(ctx, [...at, 'cwd'], input.cwd);
    if (input.cwd.includes('${')) checkVariables(ctx, [...at, 'cwd'], input.cwd);
  }

  const ready = input.ready !== undefined && ctx.problems.isSound([...at, 'ready']) ? readyOf(ctx, [...at, 'ready'], input.ready) : undefined;
  const stop = isRecord(input.stop) && ctx.problems.isSound([...at, 'stop']) ? stopOf(ctx, [...at, 'stop'], role, conflicting ? undefined : program?.kind, input.stop) : undefined;
  if (program === undefined || conflicting) return undefined;
  const spec: PeerSpec = { ...program, env, ready: ready ?? defaultReady(role, program) };
  if (stop !== undefined) spec.stop = stop;
  if (cwd !== undefined) spec.cwd = cwd;
  const pos = sourcePos(ctx, at, 'key');
  if (pos !== undefined) spec.pos = pos;
  return spec;
}
