// A one-line progress display on a terminal (stderr), silent when stderr is not a TTY or in CI,
// so logs stay clean.

export interface Progress {
  update(done: number, total: number, failed: number, current?: string): void;
  clear(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): Progress {
  // CI=false or CI=0 (set by some runners to say "not CI") leave the progress line on.
  const inCi = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  const active = Boolean(stream.isTTY) && !inCi;
  let shown = false;
  return {
    update(done, total, failed, current) {
      if (!active) return;
      const width = stream.columns || 80;
      const text = `[${done}/${total}]${failed ? ` ${failed} failed` : ''}${current ? ` ${current}` : ''}`;
      stream.write(`\r${text.slice(0, width - 1).padEnd(width - 1)}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write(`\r${' '.repeat((stream.columns || 80) - 1)}\r`);
      shown = false;
    },
  };
}
