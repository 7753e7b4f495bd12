// The socket addresses steps name (`connect.to`, `send.to`, `recv.from`, `bind.path`), collected
// as written, from broken steps too: their length against sun_path depends on the run directory,
// which the plan knows, and `validate` checks them beside the loader's problems in one round.
import { isRecord, sourcePos, type NormalizeContext } from './context';
import { formatPath, type PathSegment } from './errors';
import type { SourcePos } from './types';

export interface WrittenAddress {
  /** the JSON path of the value, like `client.steps[0].connect.to` */
  where: string;
  value: string;
  /** `allowOutsidePaths: true`: a relative path may leave the run directory */
  allowOutside?: true;
  pos?: SourcePos;
}

const ADDRESS_KEYS: Record<string, string> = { connect: 'to', send: 'to', recv: 'from', bind: 'path' };

/** Notes the address a written step names, unless the value has a problem of its own. */
export function noteAddress(ctx: NormalizeContext, stepAt: readonly PathSegment[], written: unknown): void {
  if (ctx.addresses === undefined || !isRecord(written)) return;
  const entries = Object.entries(written);
  if (entries.length !== 1) return;
  const [name, options] = entries[0]!;
  const key = ADDRESS_KEYS[name];
  if (key === undefined || !isRecord(options) || typeof options[key] !== 'string') return;
  const at = [...stepAt, name, key];
  // A peer's name is no path; a value with a problem of its own is not checked again.
  if (ctx.peerIds.includes(options[key]) || !ctx.problems.isClear(at) || ctx.problems.hasAt(at)) return;
  const address: WrittenAddress = { where: formatPath(at), value: options[key], ...(ctx.allowOutside === true ? { allowOutside: true as const } : {}) };
  const pos = sourcePos(ctx, at);
  if (pos !== undefined) address.pos = pos;
  ctx.addresses.push(address);
}
