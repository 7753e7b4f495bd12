import type { Failure } from './result';
import type { Verdict } from './verdict';

/** The whole run hit its timeout: which peers were still running and had to be killed. */
export const timeoutVerdict: Verdict = ({ record }) => {
  if (!record.timedOut) return {};
  const killed = record.peers.filter((p) => p.stoppedBy === 'timeout').map((p) => p.id);
  const still = killed.length > 0 ? `; still running and killed: ${killed.join(', ')}` : '';
  const failure: Failure = {
    code: 'TIMEOUT',
    message: `the run exceeded its timeout of ${record.timeoutMs} ms${still}; raise \`timeout:\` if the scenario needs longer, or look at the timeline for the step that hung`,
  };
  return { failures: [failure] };
};
