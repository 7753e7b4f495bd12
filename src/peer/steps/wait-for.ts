import { plural } from '../describe';
import { awaitCapture } from '../captures';
import type { StepImpl } from './types';
import { StepFailure } from '../errors';
import { jsonDifference } from './recv-match';

// Counts events the harness relays (every peer's, this one's included); or, with `capture`, waits
// for the value the setter's `recv` event carries.
export const waitFor: StepImpl<'waitFor'> = {
  async run(step, peer, progress) {
    const use = step.uses?.find((u) => u.name === step.capture);
    if (step.capture !== undefined && use !== undefined) {
      const value = await awaitCapture(use, step.value, step.index, peer, progress);
      return { capture: step.capture, value, setBy: use.peer };
    }
    const where = step.where;
    if (where === undefined) {
      const seen = (): number => peer.log.count(step.peer, step.event);
      progress.waitingFor(() => `${plural(step.count, `"${step.event}" event`)} from ${step.peer}; saw ${seen()}`);
      await peer.log.until(() => (seen() >= step.count ? true : undefined));
      return { peer: step.peer, event: step.event, count: step.count };
    }
    // `where`: only events holding those values count; the wait names how the last other one differed.
    const events = () => peer.log.eventsOf(step.peer, step.event);
    const holds = (e: object): boolean => jsonDifference(where, e, '$') === undefined;
    progress.waitingFor(() => {
      const all = events();
      const matching = all.filter(holds).length;
      const last = all.at(-1);
      const d = last !== undefined && !holds(last) ? jsonDifference(where, last, '$') : undefined;
      return `${plural(step.count, `"${step.event}" event`)} from ${step.peer} holding ${JSON.stringify(where)}; saw ${matching} of ${all.length}${d !== undefined ? ` (the last: ${d.path} is ${d.got}, not ${d.expected})` : ''}`;
    });
    // A program's `exit` comes once: when every program the name stands for has ended and too few
    // exits held the values, waiting longer cannot help.
    const settled = (): boolean | undefined => {
      if (events().filter(holds).length >= step.count) return true;
      return step.event === 'exit' && peer.log.allProgramsEnded(step.peer) ? false : undefined;
    };
    if (!(await peer.log.until(settled))) {
      const last = events().at(-1);
      const d = last !== undefined ? jsonDifference(where, last, '$') : undefined;
      throw new StepFailure(
        'EVENT_MISMATCH',
        `${step.peer} has ended, and its exit does not hold ${JSON.stringify(where)}${d !== undefined ? `: ${d.path} is ${d.got}, not ${d.expected}` : ''}`,
        where,
        last,
      );
    }
    return { peer: step.peer, event: step.event, count: step.count, where };
  },
};
