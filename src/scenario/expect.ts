// `expect:` as Expectations, with the defaults the judge relies on.
import { isRecord, type NormalizeContext } from './context';
import { unknownSignal } from './names';
import { didYouMean, listNames } from './suggest';
import type { ExitExpectation, Expectations, LeftoverPolicy, Ordering } from './types';
import { durationMs } from './units';
import { regexProblem } from './visible';

/** Names an expectation may be keyed by: peer ids, and roles that stand for several peers. */
function targetsOf(ctx: NormalizeContext): string[] {
  const roles = ctx.peerIds.some((id) => id.startsWith('client')) ? ['clients'] : [];
  const client = ctx.peerIds.some((id) => id.startsWith('client-')) ? ['client'] : [];
  return [...new Set([...ctx.peerIds, ...roles, ...client])];
}

function checkTarget(ctx: NormalizeContext, section: string, name: string, targets: string[]): boolean {
  if (targets.includes(name)) return true;
  ctx.problems.add(['expect', section, name], `no peer is called \`${name}\``, {
    target: 'key',
    hint: didYouMean(name, targets) ?? (targets.length > 0 ? `use ${listNames(targets)}` : 'declare the peers first'),
  });
  return false;
}

export function normalizeExpect(ctx: NormalizeContext, input: unknown): Expectations {
  const written = isRecord(input) ? input : {};
  const targets = targetsOf(ctx);
  // `exit` stays empty unless written: the judge applies "every peer exits 0" to peers not listed,
  // so a default here would have to guess peer ids the plan assigns.
  const expect: Expectations = {
    exit: {},
    stdout: {},
    stderr: {},
    leftoverSockets: (written.leftoverSockets as LeftoverPolicy | undefined) ?? 'fail',
    fdLeaks: (written.fdLeaks as LeftoverPolicy | undefined) ?? 'fail',
    unreadData: (written.unreadData as LeftoverPolicy | undefined) ?? 'fail',
  };

  if (isRecord(written.exit)) {
    for (const [peer, value] of Object.entries(written.exit)) {
      const at = ['expect', 'exit', peer];
      if (!checkTarget(ctx, 'exit', peer, targets) || !ctx.problems.isSound(at)) continue;
      const exit: ExitExpectation = typeof value === 'number' ? { code: value } : typeof value === 'string' ? { signal: value } : { ...(value as ExitExpectation) };
      if (exit.code !== undefined && exit.signal !== undefined) {
        ctx.problems.add([...at, 'signal'], 'a peer ends with an exit code or by a signal, not both', { target: 'key' });
        continue;
      }
      if (exit.code === undefined && exit.signal === undefined) {
        ctx.problems.add(at, `\`${peer}\` needs \`code\` or \`signal\``);
        continue;
      }
      const unknown = exit.signal !== undefined ? unknownSignal(exit.signal) : undefined;
      if (unknown !== undefined) {
        ctx.problems.add(typeof value === 'string' ? at : [...at, 'signal'], unknown.message, { hint: unknown.hint });
        continue;
      }
      expect.exit[peer] = exit;
    }
  }

  for (const stream of ['stdout', 'stderr'] as const) {
    const patterns = written[stream];
    if (!isRecord(patterns)) continue;
    for (const [peer, pattern] of Object.entries(patterns)) {
      if (!checkTarget(ctx, stream, peer, targets) || typeof pattern !== 'string') continue;
      const invalid = regexProblem(pattern);
      if (invalid === undefined) expect[stream][peer] = pattern;
      else ctx.problems.add(['expect', stream, peer], `not a valid regular expression: ${invalid}`);
    }
  }

  if (written.ordering !== undefined) expect.ordering = written.ordering as Ordering;
  if (written.loss !== undefined) expect.loss = written.loss as number;
  if (written.duplicates !== undefined) expect.duplicates = written.duplicates as number;
  if (written.boundaries !== undefined) expect.boundaries = 'preserved';
  if (written.within !== undefined && ctx.problems.isSound(['expect', 'within'])) {
    const parsed = durationMs(written.within as string | number);
    if (parsed.ok) expect.withinMs = parsed.value;
    else ctx.problems.add(['expect', 'within'], `\`within\` ${parsed.message}`, { hint: parsed.hint });
  }
  return expect;
}
