// Runs a child script (TypeScript, bundled) as a real process. The child speaks JSON lines on
// stdout and takes commands on stdin; every wait is bounded and names what it waited for.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

import { childScript } from '../helpers/child-script';

export type Message = Record<string, unknown>;

export interface RunningChild {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The next JSON line the child prints, within `timeoutMs`. */
  next(what: string, timeoutMs?: number): Promise<Message>;
  send(command: string): void;
  /** Resolves with the exit code once the child has exited, within `timeoutMs`. */
  exited(timeoutMs?: number): Promise<number | null>;
  /** Kills the child if it is still running and waits for it; for `finally`. */
  stop(): Promise<void>;
}

export function startChild(entry: string, args: string[] = []): RunningChild {
  const child = spawn(process.execPath, [childScript(entry), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const messages: Message[] = [];
  const waiters: Array<() => void> = [];
  let stderr = '';
  let exitCode: number | null | undefined;
  const exit = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
      for (const wake of waiters.splice(0)) wake();
    });
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    messages.push(JSON.parse(line) as Message);
    for (const wake of waiters.splice(0)) wake();
  });

  const withTimeout = <T>(promise: Promise<T>, what: string, timeoutMs: number): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`child ${child.pid}: no ${what} after ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  };

  return {
    process: child,
    pid: child.pid!,
    next(what, timeoutMs = 10_000) {
      const take = new Promise<Message>((resolve, reject) => {
        const check = (): void => {
          const message = messages.shift();
          if (message) return resolve(message);
          if (exitCode !== undefined) return reject(new Error(`child ${child.pid} exited (${exitCode}) before ${what}; stderr: ${stderr}`));
          waiters.push(check);
        };
        check();
      });
      return withTimeout(take, what, timeoutMs);
    },
    send(command) {
      child.stdin!.write(`${command}\n`);
    },
    exited(timeoutMs = 10_000) {
      return withTimeout(exit, 'exit', timeoutMs);
    },
    async stop() {
      if (exitCode === undefined) child.kill('SIGKILL');
      await exit;
    },
  };
}
