// A peer's `steps:` list, as tagged Step objects that remember where they were written.
import { isRecord, sourcePos, type NormalizeContext } from './context';
import type { PathSegment } from './errors';
import { MAX_FDS_PER_MESSAGE } from './limits';
import { unknownErrno, unknownSignal } from './names';
import { payloadOf } from './payload';
import { recvShapeOf } from './recv-match';
import { declareCaptures, namedGroups, noteCaptureUses } from './captures';
import { didYouMean, listNames } from './suggest';
import type { FdExpectation, PeerCredExpectation, ShutdownHow, SocketBuffers, Step, StepName } from './types';
import { durationMs, modeBits } from './units';
import { checkRunDirPath, checkVariables } from './variables';
import { warnLiteralEscapes } from './literal-escapes';
import { noteAddress } from './addresses';

/** listen(2) backlog when none is given; SOMAXCONN on older kernels and on macOS. */
export const DEFAULT_BACKLOG = 128;
/** The data byte that carries descriptors when `sendFds` names none: SCM_RIGHTS needs at least one. */
export const DEFAULT_FD_DATA = 'F';

type Options = Record<string, unknown>;
type StepBody = Step extends infer S ? (S extends Step ? Omit<S, 'index' | 'pos' | 'timeoutMs' | 'expectError'> : never) : never;

export function normalizeSteps(ctx: NormalizeContext, at: readonly PathSegment[], input: readonly unknown[]): Step[] {
  const steps: Step[] = [];
  // Connection names declared so far by `accept: { as }`: an `on:` may only name an earlier one.
  const connections: string[] = [];
  input.forEach((written, index) => {
    const stepAt = [...at, index];
    if (!ctx.problems.isSound(stepAt)) {
      warnBrokenStep(ctx, stepAt, written);
      noteAddress(ctx, stepAt, written);
      return;
    }
    const [name, raw] = typeof written === 'string' ? [written, null] : (Object.entries(written as Options)[0] as [string, unknown]);
    const optionsAt = typeof written === 'string' ? stepAt : [...stepAt, name];
    const options: Options = isRecord(raw) ? raw : {};
    const body = stepBody(ctx, optionsAt, name as StepName, raw, options);
    if (body === undefined) return;
    const step = { ...body, index } as Step;
    const pos = sourcePos(ctx, stepAt);
    if (pos !== undefined) step.pos = pos;
    commonOptions(ctx, optionsAt, options, step);
    bufferOptions(options, step);
    connectionOptions(ctx, optionsAt, options, step, connections);
    captureOptions(ctx, optionsAt, options, step);
    noteAddress(ctx, stepAt, written);
    steps.push(step);
  });
  return steps;
}

/**
 * A step the schema rejected is not built, but its other values still get the warnings they would
 * get in a sound step (`until: '\n'` beside `timeout: soon`), so one round shows everything.
 */
function warnBrokenStep(ctx: NormalizeContext, stepAt: readonly PathSegment[], written: unknown): void {
  if (!isRecord(written)) return;
  const entries = Object.entries(written);
  if (entries.length !== 1) return;
  const [name, options] = entries[0]!;
  if ((name !== 'send' && name !== 'recv') || !isRecord(options)) return;
  const at = [...stepAt, name];
  if (name === 'recv' && typeof options.until === 'string' && ctx.problems.isClear([...at, 'until']) && (ctx.socketType ?? 'stream') === 'stream') {
    warnLiteralEscapes(ctx, [...at, 'until'], options.until, 'whole');
  }
  if (typeof options.text === 'string' && ctx.problems.isClear([...at, 'text'])) warnLiteralEscapes(ctx, [...at, 'text'], options.text, 'lineEnd');
}

function commonOptions(ctx: NormalizeContext, at: readonly PathSegment[], options: Options, step: Step): void {
  if (options.timeout !== undefined) {
    const parsed = durationMs(options.timeout as string | number);
    if (!parsed.ok) ctx.problems.add([...at, 'timeout'], `\`timeout\` ${parsed.message}`, { hint: parsed.hint });
    else if (parsed.value === 0) ctx.problems.add([...at, 'timeout'], '`timeout` must be more than 0');
    else step.timeoutMs = parsed.value;
  }
  if (typeof options.expectError === 'string') {
    const unknown = unknownErrno(options.expectError);
    if (unknown !== undefined) ctx.problems.add([...at, 'expectError'], unknown.message, { hint: unknown.hint });
    else step.expectError = options.expectError;
  }
}

/** Steps that make or use a socket take its buffer sizes (`sndbuf`, `rcvbuf`); the schema checked the values. */
const SIZES_BUFFERS = new Set<StepName>(['listen', 'accept', 'connect', 'bind', 'send', 'recv', 'sendFds', 'recvFds']);

function bufferOptions(options: Options, step: Step): void {
  if (!SIZES_BUFFERS.has(step.step)) return;
  const sized = step as Step & SocketBuffers;
  if (typeof options.sndbuf === 'number') sized.sndbuf = options.sndbuf;
  if (typeof options.rcvbuf === 'number') sized.rcvbuf = options.rcvbuf;
}

/** What a step captures (`recv`: named groups of `match`, `capture:`), and `${capture.X}` it uses. */
function captureOptions(ctx: NormalizeContext, at: readonly PathSegment[], options: Options, step: Step): void {
  if (step.step === 'recv') {
    if (step.matcher?.kind === 'match') declareCaptures(ctx, at, namedGroups(step.matcher.regex), step);
    if (step.capture !== undefined) declareCaptures(ctx, at, Object.keys(step.capture), step);
  }
  if (step.step === 'waitFor' && step.capture !== undefined) {
    ctx.captures?.uses.push({ name: step.capture, at: [...at, 'capture'], step });
    return;
  }
  if (step.step !== 'send' && step.step !== 'recv') return;
  for (const key of ['text', 'match', 'contains'] as const) {
    if (typeof options[key] === 'string') noteCaptureUses(ctx, [...at, key], options[key], step);
  }
}

const USES_CONNECTION = new Set<StepName>(['send', 'recv', 'sendFds', 'recvFds', 'shutdown', 'close']);

/** `accept: { as }` names a connection; `on:` uses one, which an earlier accept must have named. */
function connectionOptions(ctx: NormalizeContext, at: readonly PathSegment[], options: Options, step: Step, declared: string[]): void {
  if (step.step === 'accept' && typeof options.as === 'string') {
    step.as = options.as;
    declared.push(options.as);
    return;
  }
  if (typeof options.on !== 'string' || !USES_CONNECTION.has(step.step)) return;
  const name = options.on;
  if (!declared.includes(name)) {
    ctx.problems.add([...at, 'on'], `no earlier \`accept\` names a connection \`${name}\``, {
      hint:
        didYouMean(name, declared) ??
        (declared.length > 0 ? `connections named so far: ${listNames(declared)}` : `name one where it is accepted: \`- accept: { as: ${name} }\``),
    });
    return;
  }
  if (step.step === 'recv' && step.from !== undefined && ctx.socketType !== 'dgram') {
    ctx.problems.add([...at, 'on'], '`on` and `from` both pick a connection; write one of them', {
      hint: `\`on: ${name}\` names the connection; \`from: ${step.from}\` finds the one that peer made`,
    });
    return;
  }
  (step as Step & { on?: string }).on = name;
}

/**
 * `recv.from` names a peer, or (datagrams) a socket path. A bare word that is no peer id is most
 * likely a misspelt peer; a path says so with a `/`, a `.` or a leading `@`.
 */
function checkFrom(ctx: NormalizeContext, at: readonly PathSegment[], from: string): void {
  if (ctx.peerIds.includes(from)) return;
  const looksLikePath = /[/.@$]/.test(from);
  if (looksLikePath && ctx.socketType !== undefined && ctx.socketType !== 'dgram') {
    ctx.problems.add(at, `on a ${ctx.socketType} socket \`from\` names a peer (the connection it made), not a path`, {
      hint: `peers in this scenario: ${listNames(ctx.peerIds)}`,
    });
    return;
  }
  if (looksLikePath) return;
  ctx.problems.add(at, `no peer is called \`${from}\``, {
    hint: `${didYouMean(from, ctx.peerIds) ?? `peers in this scenario: ${listNames(ctx.peerIds)}`}; a socket path needs a \`/\`, a \`.\` or a leading \`@\`, e.g. \`./${from}\``,
  });
}

function peerCred(ctx: NormalizeContext, at: readonly PathSegment[], value: unknown): PeerCredExpectation | undefined {
  if (!isRecord(value)) return undefined;
  // `pid: <peer id>` waits for that peer's identity: a name no peer has would wait in vain.
  if (typeof value.pid === 'string') checkPeer(ctx, [...at, 'expectPeer', 'pid'], value.pid);
  const out: PeerCredExpectation = {};
  if (value.uid !== undefined) out.uid = value.uid as number | 'self';
  if (value.gid !== undefined) out.gid = value.gid as number | 'self';
  if (value.pid !== undefined) out.pid = value.pid as number | string;
  return out;
}

function withOptional<T extends object>(base: T, extra: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) (base as Record<string, unknown>)[key] = value;
  return base;
}

function checkPeer(ctx: NormalizeContext, at: readonly PathSegment[], id: string): void {
  if (ctx.peerIds.includes(id)) return;
  ctx.problems.add(at, `no peer is called \`${id}\``, {
    hint: didYouMean(id, ctx.peerIds) ?? (ctx.peerIds.length > 0 ? `peers in this scenario: ${listNames(ctx.peerIds)}` : 'declare `server:` and `client:` peers'),
  });
}

function checkFileName(ctx: NormalizeContext, at: readonly PathSegment[], name: string): void {
  if (ctx.fileNames.has(name)) return;
  const declared = [...ctx.fileNames];
  ctx.problems.add(at, `no file \`${name}\` is declared under \`files:\``, {
    hint: didYouMean(name, declared) ?? (declared.length > 0 ? `declared files: ${listNames(declared)}` : `declare it: \`files: { ${name}: { content: "..." } }\``),
  });
}

/** A path a step names in the run directory (`connect.to`, `bind.path`, `send.to`, `sendFds.dir`). */
function socketPath(ctx: NormalizeContext, at: readonly PathSegment[], value: unknown): void {
  if (typeof value !== 'string') return;
  checkVariables(ctx, at, value);
  checkRunDirPath(ctx, at, value);
}

function stepBody(ctx: NormalizeContext, at: readonly PathSegment[], name: StepName, raw: unknown, o: Options): StepBody | undefined {
  switch (name) {
    case 'listen':
      return { step: 'listen' as const, backlog: (o.backlog as number | undefined) ?? DEFAULT_BACKLOG };
    case 'accept':
      return withOptional({ step: 'accept' as const }, { expectPeer: peerCred(ctx, at, o.expectPeer) });
    case 'connect':
      socketPath(ctx, [...at, 'to'], o.to);
      return withOptional({ step: 'connect' as const }, { to: o.to, expectPeer: peerCred(ctx, at, o.expectPeer) });
    case 'bind':
      socketPath(ctx, [...at, 'path'], o.path);
      return withOptional({ step: 'bind' as const }, { path: o.path });
    case 'send': {
      socketPath(ctx, [...at, 'to'], o.to);
      const payload = payloadOf(ctx, at, o, false);
      return payload === undefined ? undefined : withOptional({ step: 'send' as const, payload }, { to: o.to });
    }
    case 'recv': {
      const hasPayload = ['text', 'hex', 'base64', 'file', 'count'].some((k) => o[k] !== undefined);
      const payload = payloadOf(ctx, at, o, true);
      if (hasPayload && payload === undefined) return undefined;
      const shape = recvShapeOf(ctx, at, o);
      if (shape === undefined) return undefined;
      if (typeof o.from === 'string') checkFrom(ctx, [...at, 'from'], o.from);
      return withOptional(
        { step: 'recv' as const },
        { payload, matcher: shape.matcher, frame: shape.frame, capture: shape.capture, maxBytes: o.maxBytes, truncated: o.truncated, eof: o.eof, from: o.from },
      );
    }
    case 'sendFds':
      return sendFds(ctx, at, o);
    case 'recvFds':
      return recvFds(ctx, at, o);
    case 'shutdown':
      return { step: 'shutdown' as const, how: typeof raw === 'string' ? (raw as ShutdownHow) : ((o.how as ShutdownHow | undefined) ?? 'both') };
    case 'close':
      return { step: 'close' as const, unlink: (o.unlink as boolean | undefined) ?? true };
    case 'sleep': {
      const sleepAt = isRecord(raw) ? [...at, 'for'] : at;
      const parsed = durationMs((isRecord(raw) ? raw.for : raw) as string | number);
      if (!parsed.ok) {
        ctx.problems.add(sleepAt, `\`sleep\` ${parsed.message}`, { hint: parsed.hint });
        return undefined;
      }
      return { step: 'sleep' as const, ms: parsed.value };
    }
    case 'waitFor':
      return waitFor(ctx, at, o);
    case 'exit':
      return { step: 'exit' as const, code: typeof raw === 'number' ? raw : ((o.code as number | undefined) ?? 0) };
    case 'crash': {
      const signal = typeof raw === 'string' ? raw : ((o.signal as string | undefined) ?? 'SIGKILL');
      const unknown = unknownSignal(signal);
      if (unknown !== undefined) {
        ctx.problems.add(typeof raw === 'string' ? at : [...at, 'signal'], unknown.message, { hint: unknown.hint });
        return undefined;
      }
      return { step: 'crash' as const, signal };
    }
    case 'ready':
      return { step: 'ready' as const };
  }
}

/**
 * `waitFor` an event, or a capture: the peer that sets the capture is known once every peer is
 * read (src/scenario/captures.ts fills `peer` in), and its `recv` events carry the values.
 */
function waitFor(ctx: NormalizeContext, at: readonly PathSegment[], o: Options): StepBody | undefined {
  const count = (o.count as number | undefined) ?? 1;
  if (typeof o.capture !== 'string') {
    checkPeer(ctx, [...at, 'peer'], o.peer as string);
    return withOptional({ step: 'waitFor' as const, peer: o.peer as string, event: o.event as string, count }, { where: o.where });
  }
  for (const key of ['peer', 'event', 'count'] as const) {
    if (o[key] !== undefined) {
      ctx.problems.add([...at, key], `\`${key}\` belongs to a \`waitFor\` of an event; a \`waitFor\` of a capture waits for the step that sets it`, {
        target: 'key',
        hint: `remove \`${key}\`, or wait for the event instead: \`waitFor: { peer: server, event: recv }\``,
      });
    }
  }
  return withOptional({ step: 'waitFor' as const, peer: '', event: 'recv', count: 1, capture: o.capture }, { value: o.value === undefined ? undefined : String(o.value) });
}

function sendFds(ctx: NormalizeContext, at: readonly PathSegment[], o: Options): StepBody | undefined {
  socketPath(ctx, [...at, 'dir'], o.dir);
  const files = (o.files as string[] | undefined) ?? [];
  files.forEach((name, i) => checkFileName(ctx, [...at, 'files', i], name));
  const end = (value: unknown): { content: string } | undefined =>
    value === undefined ? undefined : { content: isRecord(value) ? ((value.content as string | undefined) ?? '') : '' };
  const pipe = end(o.pipe);
  const socket = end(o.socket);
  if (files.length === 0 && pipe === undefined && socket === undefined && o.dir === undefined) {
    ctx.problems.add(at, '`sendFds` sends nothing', { hint: 'name declared `files`, or add `pipe: true`, `socket: true` or `dir: .`' });
    return undefined;
  }
  // The kernel refuses more than SCM_MAX_FD descriptors in one message (sendmsg EINVAL).
  const count = files.length + [pipe, socket, o.dir].filter((end) => end !== undefined).length;
  if (count > MAX_FDS_PER_MESSAGE) {
    ctx.problems.add(files.length > 0 ? [...at, 'files'] : at, `\`sendFds\` names ${count} descriptors; one message carries at most ${MAX_FDS_PER_MESSAGE} (SCM_MAX_FD)`, {
      hint: 'split them over several `sendFds` steps (and as many `recvFds`)',
    });
    return undefined;
  }
  return withOptional({ step: 'sendFds' as const, files, data: (o.data as string | undefined) ?? DEFAULT_FD_DATA }, { pipe, socket, dir: o.dir, repeat: o.repeat });
}

function recvFds(ctx: NormalizeContext, at: readonly PathSegment[], o: Options): StepBody | undefined {
  const written = (o.expect as Options[] | undefined) ?? [];
  const expect: FdExpectation[] = [];
  written.forEach((e, i) => {
    const eAt = [...at, 'expect', i];
    if (typeof e.sameFileAs === 'string') checkFileName(ctx, [...eAt, 'sameFileAs'], e.sameFileAs);
    const fd: FdExpectation = withOptional({}, { sameFileAs: e.sameFileAs, content: e.content, type: e.type });
    if (e.mode !== undefined) {
      const mode = modeBits(e.mode as number | string, ctx.positions?.rawScalar([...eAt, 'mode']));
      if (mode.ok) fd.mode = mode.value;
      else ctx.problems.add([...eAt, 'mode'], `\`mode\` ${mode.message}`);
    }
    expect.push(fd);
  });
  const count = (o.count as number | undefined) ?? Math.max(1, expect.length);
  if (expect.length > count) {
    ctx.problems.add([...at, 'expect'], `\`expect\` describes ${expect.length} descriptors but \`count\` is ${count}`, { hint: `set \`count: ${expect.length}\` or remove entries` });
  }
  if (o.repeat !== undefined) {
    // A descriptor's content is read once; in bulk mode the same file arrives again and again.
    written.forEach((e, i) => {
      if (e.content !== undefined) {
        ctx.problems.add([...at, 'expect', i, 'content'], '`content` cannot be checked in bulk mode (`repeat`)', {
          hint: 'check `sameFileAs`, `type` or `mode` instead, or read the content in a separate `recvFds` without `repeat`',
        });
      }
    });
  }
  return withOptional({ step: 'recvFds' as const, count, expect }, { room: o.room, truncated: o.truncated, data: o.data, repeat: o.repeat });
}
