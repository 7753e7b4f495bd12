// What every part of normalization needs: where problems go, where relative paths start, and the
// names declared elsewhere in the scenario that steps may refer to.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import type { PathSegment } from './errors';
import { MAX_MESSAGE_SIZE } from './limits';
import type { WrittenAddress } from './addresses';
import type { CaptureBook } from './captures';
import type { PositionLookup } from './position-types';
import type { ProblemList } from './problem-list';
import type { AddressKind, SocketType, SourcePos } from './types';
import { readUserFileSync } from './user-file';

export interface NormalizeContext {
  problems: ProblemList;
  baseDir: string;
  file?: string;
  positions?: PositionLookup;
  /** names under `files:` */
  fileNames: ReadonlySet<string>;
  /** ids a step may name: `server`, `client`, `client-1` … */
  peerIds: readonly string[];
  /** `allowOutsidePaths: true`: relative paths may lead outside `baseDir` */
  allowOutside?: boolean;
  /** the scenario's socket type, for options that mean something else per type (`recv.from`) */
  socketType?: SocketType;
  /** the scenario's address kind, which decides whether `${socket}` or `${fd}` has a value */
  address?: AddressKind;
  /** captures declared and used so far, checked once every peer is normalized */
  captures?: CaptureBook;
  /** socket addresses written in steps, for the plan to check against sun_path */
  addresses?: WrittenAddress[];
}

/** True when `target` is `dir` or inside it. */
function isInside(dir: string, target: string): boolean {
  const rel = path.relative(dir, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The path with symlinks resolved as far as it exists (a missing tail is kept as written). */
export function realPathOf(target: string): string {
  try {
    return realpathSync(target);
  } catch {
    const parent = path.dirname(target);
    return parent === target ? target : path.join(realPathOf(parent), path.basename(target));
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function sourcePos(ctx: NormalizeContext, at: readonly PathSegment[], target: 'key' | 'value' = 'value'): SourcePos | undefined {
  if (ctx.file === undefined || ctx.positions === undefined) return undefined;
  const found = ctx.positions.find(at, target);
  return found === undefined ? undefined : { file: ctx.file, ...found };
}

/** A path relative to the scenario's directory, made absolute; undefined (with a problem) if unusable. */
export function scenarioPath(ctx: NormalizeContext, at: readonly PathSegment[], written: string): string | undefined {
  if (written.includes('\0')) {
    ctx.problems.add(at, 'a path cannot contain a NUL byte', { hint: 'remove the `\\0` from the path' });
    return undefined;
  }
  if (written.trim() === '') {
    ctx.problems.add(at, 'the path is empty');
    return undefined;
  }
  const absolute = path.resolve(ctx.baseDir, written);
  // A relative path stays in the scenario's directory, through `..` and symlinks alike; an
  // absolute path says by itself where it goes.
  if (!ctx.allowOutside && !path.isAbsolute(written) && !(isInside(ctx.baseDir, absolute) && isInside(realPathOf(ctx.baseDir), realPathOf(absolute)))) {
    ctx.problems.add(at, `\`${written}\` leads outside the scenario's directory (${ctx.baseDir})`, {
      hint: 'keep the file next to the scenario, give an absolute path, or write `allowOutsidePaths: true` at the top of the scenario',
    });
    return undefined;
  }
  return absolute;
}

/** The bytes of a file named in the scenario, or undefined after reporting why they cannot be read. */
export function readScenarioFile(ctx: NormalizeContext, at: readonly PathSegment[], written: string): Buffer | undefined {
  const absolute = scenarioPath(ctx, at, written);
  if (absolute === undefined) return undefined;
  const read = readUserFileSync(absolute, MAX_MESSAGE_SIZE);
  if (read.ok) return read.bytes;
  switch (read.reason) {
    case 'too-large':
      ctx.problems.add(at, `\`${written}\` holds ${read.size} bytes; at most ${MAX_MESSAGE_SIZE} (16 MiB) may be used here`);
      break;
    case 'not-regular':
      ctx.problems.add(at, `\`${written}\` (${absolute}) is ${read.kind}, not a regular file; it was not read`, {
        hint: 'name a regular file; for bytes from a pipe or a device, save them to a file first, or use `sendFds: { pipe: ... }` to hand over a pipe',
      });
      break;
    case 'error': {
      const hint = read.code === 'ENOENT' ? `the path is relative to ${ctx.baseDir}` : read.code === 'EISDIR' ? 'name a file, not a directory' : undefined;
      ctx.problems.add(at, `cannot read \`${written}\` (${absolute}): ${read.code}`, { hint });
    }
  }
  return undefined;
}
