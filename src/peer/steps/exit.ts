import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { StepFailure } from '../errors';
import type { StepImpl } from './types';

const SIGNAL_GRACE_MS = 1000;

// Both end the process abruptly, as a program that exits or dies mid-conversation: sockets are
// left to the kernel and bound paths stay on disk. Events written so far are flushed first.
export const exit: StepImpl<'exit'> = {
  untimed: true,
  async run(step, peer) {
    peer.emit('exit', { code: step.code }, step.index);
    return peer.exit(step.code);
  },
};

export const crash: StepImpl<'crash'> = {
  untimed: true,
  async run(step, peer) {
    const signal = step.signal as NodeJS.Signals;
    if (!(signal in os.constants.signals)) {
      throw new StepFailure('UNEXPECTED_ERROR', `crash: "${step.signal}" is not a signal name; use one such as SIGKILL, SIGTERM, SIGABRT`, 'a signal name', step.signal);
    }
    peer.emit('crash', { signal }, step.index);
    await peer.kill(signal);
    // Node handles some signals itself (SIGUSR1 starts the inspector, SIGPIPE is ignored).
    await delay(SIGNAL_GRACE_MS);
    throw new StepFailure('UNEXPECTED_ERROR', `crash: ${signal} did not end the peer (Node handles or ignores it); use SIGKILL, SIGTERM or SIGABRT`, signal, 'still running');
  },
};
