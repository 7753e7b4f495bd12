// The child side of child-process.ts: JSON lines out, command lines in.
export function announce(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

let buffered = '';

/**
 * The next command line from the test. stdin is read only while a command is awaited, so it
 * never keeps the child alive on its own: a child ends when its sockets have nothing left to do.
 */
export function nextCommand(): Promise<string> {
  return new Promise((resolve, reject) => {
    const take = (): boolean => {
      const end = buffered.indexOf('\n');
      if (end < 0) return false;
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      stop();
      resolve(line);
      return true;
    };
    const onData = (chunk: string): void => {
      buffered += chunk;
      take();
    };
    const onEnd = (): void => {
      stop();
      reject(new Error('the test closed stdin before sending a command'));
    };
    const stop = (): void => {
      // A paused pipe still holds the loop open; unref lets the child end when its work is done.
      process.stdin.off('data', onData).off('end', onEnd).pause().unref();
    };
    if (take()) return;
    process.stdin.ref();
    process.stdin.setEncoding('utf8').on('data', onData).on('end', onEnd).resume();
  });
}

/** Reports a failure the test can read and exits non-zero. */
export function failOn(promise: Promise<unknown>): void {
  promise.catch((error: Error & { code?: string }) => {
    announce({ error: error.message, code: error.code });
    process.exit(1);
  });
}
