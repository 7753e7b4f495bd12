import { setTimeout as delay } from 'node:timers/promises';
import type { StepImpl } from './types';

export const sleep: StepImpl<'sleep'> = {
  untimed: true,
  async run(step, _peer, progress) {
    progress.waitingFor(() => `its ${step.ms} ms sleep to end`);
    await delay(step.ms);
    return { ms: step.ms };
  },
};
