import { plural } from '../describe';
import type { StepImpl } from './types';

// Counts events the harness relays (every peer's, this one's included).
export const waitFor: StepImpl<'waitFor'> = {
  async run(step, peer, progress) {
    const seen = (): number => peer.log.count(step.peer, step.event);
    progress.waitingFor(() => `${plural(step.count, `"${step.event}" event`)} from ${step.peer}; saw ${seen()}`);
    await peer.log.until(() => (seen() >= step.count ? true : undefined));
    return { peer: step.peer, event: step.event, count: step.count };
  },
};
