import { plural } from '../describe';
import { awaitCapture } from '../captures';
import type { StepImpl } from './types';

// Counts events the harness relays (every peer's, this one's included); or, with `capture`, waits
// for the value the setter's `recv` event carries.
export const waitFor: StepImpl<'waitFor'> = {
  async run(step, peer, progress) {
    const use = step.uses?.find((u) => u.name === step.capture);
    if (step.capture !== undefined && use !== undefined) {
      const value = await awaitCapture(use, step.value, step.index, peer, progress);
      return { capture: step.capture, value, setBy: use.peer };
    }
    const seen = (): number => peer.log.count(step.peer, step.event);
    progress.waitingFor(() => `${plural(step.count, `"${step.event}" event`)} from ${step.peer}; saw ${seen()}`);
    await peer.log.until(() => (seen() >= step.count ? true : undefined));
    return { peer: step.peer, event: step.event, count: step.count };
  },
};
