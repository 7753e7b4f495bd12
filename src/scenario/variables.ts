// `${name}` in `run:`, `env:`, `cwd:` and the socket paths of steps is substituted when a run is
// planned (src/plan/substitute.ts). Which names exist is known from the scenario alone, so an
// unknown or unavailable one is a problem at its position here, from loadScenario, validate and
// run alike; so is a relative socket path that leads out of the run directory.
import path from 'node:path';
import type { NormalizeContext } from './context';
import type { PathSegment } from './errors';
import { closest, listNames } from './suggest';

const VARIABLE = /\$\{([^}]*)\}/g;

/** Reports every `${name}` in `text` that has no value in a run of this scenario. */
export function checkVariables(ctx: NormalizeContext, at: readonly PathSegment[], text: string): void {
  for (const match of text.matchAll(VARIABLE)) {
    const name = match[1]!.trim();
    if (name === 'dir') continue;
    if (name === 'socket') {
      if (ctx.address === 'pair') ctx.problems.add(at, '`${socket}` has no value with `address: pair`: there is no socket path', { hint: 'the socketpair end is the descriptor `${fd}`' });
      continue;
    }
    if (name === 'fd') {
      if (ctx.address !== 'pair') ctx.problems.add(at, `\`\${fd}\` has a value only with \`address: pair\` (this scenario uses \`address: ${ctx.address ?? 'path'}\`)`, { hint: 'use `${socket}` for the socket path' });
      continue;
    }
    if (name.startsWith('files.') && ctx.fileNames.has(name.slice('files.'.length))) continue;
    const known = ['dir', ctx.address === 'pair' ? 'fd' : 'socket', ...[...ctx.fileNames].map((f) => `files.${f}`)];
    const near = closest(name, known);
    ctx.problems.add(at, `unknown variable \`\${${name}}\``, {
      hint: near !== undefined ? `did you mean \`\${${near}}\`?` : `known variables: ${listNames(known.map((k) => `\${${k}}`))}`,
    });
  }
}

/**
 * A relative socket path of a step resolves in the run directory and may not leave it (`../`),
 * unless the scenario says `allowOutsidePaths: true`. Peer ids, `@abstract` names and absolute
 * paths are fine; a path with `${...}` is checked when the run is planned.
 */
export function checkRunDirPath(ctx: NormalizeContext, at: readonly PathSegment[], text: string): void {
  if (ctx.allowOutside || text.includes('${') || text.startsWith('@') || path.isAbsolute(text) || ctx.peerIds.includes(text)) return;
  const rel = path.relative('/run', path.resolve('/run', text));
  if (rel.startsWith('..')) {
    ctx.problems.add(at, `\`${text}\` leads outside the run directory`, {
      hint: 'name a path inside it, give an absolute path, or write `allowOutsidePaths: true` at the top of the scenario',
    });
  }
}
