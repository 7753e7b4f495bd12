// What the command prints to stdout goes to whoever reads it, and that reader may go away first
// (`uds-fixture schema | head -1`, a `grep` ended by the same Ctrl-C as the proxy): the write then
// fails with EPIPE. That is the reader's choice, not the command's failure: the rest of the output
// is dropped, and the command ends as it would have (the proxy forwards on, stops cleanly on
// Ctrl-C and removes its socket file) instead of dying of an unhandled 'error' event.

let guarded = false;
let closed = false;
const whenClosed: (() => void)[] = [];

/** Watches stdout (once per process); any other write error is reported on stderr, not thrown. */
export function guardStdout(): void {
  if (guarded) return;
  guarded = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (closed) return;
    closed = true;
    if (err.code !== 'EPIPE') process.stderr.write(`uds-fixture: stdout: ${err.code ?? err.message}; nothing more is written there\n`);
    for (const then of whenClosed.splice(0)) then();
  });
}

/** Whether stdout can no longer be written (its reader went away). */
export function stdoutClosed(): boolean {
  return closed;
}

/** Calls `then` once stdout closes (at once if it has). */
export function onStdoutClosed(then: () => void): void {
  if (closed) then();
  else whenClosed.push(then);
}
