// `files:` entries as bytes and a mode, created in the run directory before peers start.
import { isRecord, readScenarioFile, type NormalizeContext } from './context';
import { bytesFromBase64, bytesFromHex, bytesFromText } from './payload';
import { listNames } from './suggest';
import type { FileSpec } from './types';
import { modeBits } from './units';

const SOURCES = ['content', 'hex', 'base64', 'from'] as const;

/** A name becomes a file in the run directory and `${files.NAME}`: one path component, portable characters. */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export function normalizeFiles(ctx: NormalizeContext, input: unknown): Record<string, FileSpec> {
  const files: Record<string, FileSpec> = {};
  if (!isRecord(input)) return files;
  for (const [name, entry] of Object.entries(input)) {
    const at = ['files', name];
    if (!FILE_NAME.test(name)) {
      ctx.problems.add(at, `\`${name.slice(0, 40)}\` cannot be a file name`, { target: 'key', hint: 'use letters, digits, `.`, `_` and `-`, starting with a letter, digit or `_`' });
      continue;
    }
    if (!ctx.problems.isSound(at) || !isRecord(entry)) continue;
    const present = SOURCES.filter((key) => entry[key] !== undefined);
    if (present.length > 1) {
      ctx.problems.add([...at, present[1]!], `a file's content comes from one of ${listNames([...SOURCES])}; found ${listNames(present, 'and')}`, { target: 'key' });
      continue;
    }
    let bytes: Buffer | undefined = Buffer.alloc(0);
    const source = present[0];
    if (source === 'content') bytes = bytesFromText(ctx, [...at, 'content'], entry.content as string);
    else if (source === 'hex') bytes = bytesFromHex(ctx, [...at, 'hex'], entry.hex as string);
    else if (source === 'base64') bytes = bytesFromBase64(ctx, [...at, 'base64'], entry.base64 as string);
    else if (source === 'from') bytes = readScenarioFile(ctx, [...at, 'from'], entry.from as string);
    if (bytes === undefined) continue;
    const spec: FileSpec = { bytes };
    if (entry.mode !== undefined) {
      const mode = modeBits(entry.mode as number | string, ctx.positions?.rawScalar([...at, 'mode']));
      if (!mode.ok) {
        ctx.problems.add([...at, 'mode'], `\`mode\` ${mode.message}`);
        continue;
      }
      spec.mode = mode.value;
    }
    files[name] = spec;
  }
  return files;
}
