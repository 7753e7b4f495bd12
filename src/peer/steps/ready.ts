import type { StepImpl } from './types';

// The `ready` event itself is the point: readiness `{ event: ready }` waits for it.
export const ready: StepImpl<'ready'> = {
  async run() {
    return {};
  },
};
