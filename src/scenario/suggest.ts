// "did you mean" hints for misspelled keys, step names, file names and errno codes.

/**
 * Edit distance counting an insertion, deletion, substitution or swap of two neighbours as one
 * (optimal string alignment), case-insensitive: `evn` is one edit from `env`, `sendfds` from `sendFds`.
 */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const rows: number[][] = [Array.from({ length: y.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row.push(best);
    }
    rows.push(row);
  }
  return rows[x.length]![y.length]!;
}

/** The allowed name closest to `written`, if it is at most `maxDistance` edits away. */
export function closest(written: string, allowed: Iterable<string>, maxDistance = 2): string | undefined {
  // Long inputs cannot be a typo of a short name, and comparing them costs length², so stop early.
  if (written.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const name of allowed) {
    const distance = editDistance(written, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Edits `closest` allows for a longer name: about a third of its letters, at least 2. An event
 * name is a whole word typed from memory (`listning` for `listen` is 3 edits), where a key is
 * usually one slip away.
 */
export function wordDistance(written: string): number {
  return Math.max(2, Math.ceil(written.length / 3));
}

export function didYouMean(written: string, allowed: Iterable<string>, maxDistance = 2): string | undefined {
  const match = closest(written, allowed, maxDistance);
  return match === undefined ? undefined : `did you mean \`${match}\`?`;
}

/** `a`, `b` or `c` */
export function listNames(names: readonly string[], conjunction = 'or'): string {
  const quoted = names.map((n) => `\`${n}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${conjunction} ${quoted[quoted.length - 1]}`;
}
