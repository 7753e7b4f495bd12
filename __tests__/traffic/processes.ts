// A child process running a bundled script, with its stdout collected and a bounded wait for it.
import { spawn, type ChildProcess } from 'node:child_process';
import { childScript } from '../helpers/child-script';

export interface Child {
  process: ChildProcess;
  /** stdout's last JSON line once the child exited 0; rejects with its stderr otherwise */
  json<T>(): Promise<T>;
  kill(): void;
}

export function startChild(entry: string, args: string[]): Child {
  const child = spawn(process.execPath, [childScript(entry), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    process: child,
    async json<T>(): Promise<T> {
      const code = await exited;
      if (code !== 0) throw new Error(`child ${entry} exited ${String(code)}: ${stderr}`);
      return JSON.parse(stdout.trim().split('\n').pop()!) as T;
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
