import type { Failure } from './result';
import { clip, peersFor } from './peers';
import type { Verdict } from './verdict';
import { visible } from '../scenario/visible';

/** `expect.stdout` / `expect.stderr`: each pattern must match somewhere in the named peers' output. */
export const outputVerdict: Verdict = ({ scenario, record }) => {
  const failures: Failure[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    for (const [key, pattern] of Object.entries(scenario.expect[stream])) {
      const peers = peersFor(key, record.peers);
      if (peers.length === 0) {
        const ids = record.peers.map((p) => p.id).join(', ');
        failures.push({ code: 'OUTPUT_MISMATCH', message: `expect.${stream} names ${key}, which is not a peer of this scenario (peers: ${ids})` });
        continue;
      }
      let regex: RegExp;
      try {
        regex = new RegExp(pattern, 'm');
      } catch (err) {
        failures.push({ code: 'OUTPUT_MISMATCH', message: `expect.${stream}.${key}: /${visible(pattern)}/ is not a valid regular expression: ${visible((err as Error).message)}` });
        continue;
      }
      for (const peer of peers) {
        const text = peer[stream];
        if (regex.test(text)) continue;
        const seen = text.trim() === '' ? `${stream} was empty` : `${stream} was: ${clip(text)}`;
        failures.push({ code: 'OUTPUT_MISMATCH', peer: peer.id, message: `${peer.id} ${stream} does not match /${visible(pattern)}/ (expect.${stream}.${key}); ${seen}` });
      }
    }
  }
  return { failures };
};
