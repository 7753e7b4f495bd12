// Descriptor verdicts from the scripted peer's `fds` event (`fdLeaks:`): each descriptor a peer
// still held at its end, named with what it refers to. The peer itself checks every received
// descriptor (sameFileAs, content, mode, type, truncation) and fails its step on a mismatch.
import type { PeerEvent } from '../protocol/events';
import type { Failure, Warning } from './result';
import type { Verdict } from './verdict';

export const descriptorVerdict: Verdict = ({ scenario, record }) => {
  const policy = scenario.expect.fdLeaks;
  if (policy === 'ignore') return {};
  // A leak the peer already failed on (FD_LEAK) is reported by the step verdict.
  const reported = new Set(record.timeline.filter((e) => e.ev === 'fail' && e.code === 'FD_LEAK').map((e) => e.peer));
  const failures: Failure[] = [];
  const warnings: Warning[] = [];
  for (const event of record.timeline) {
    if (event.ev !== 'fds' || reported.has(event.peer)) continue;
    const leaked = leakedOf(event);
    if (leaked.length === 0) continue;
    const message = `${event.peer} ended with ${leaked.length} descriptor${leaked.length === 1 ? '' : 's'} it did not have at start: ${leaked.join(', ')} (fdLeaks: ${policy}); close every descriptor received or opened`;
    if (policy === 'fail') failures.push({ code: 'FD_LEAK', peer: event.peer, message });
    else warnings.push({ code: 'FD_LEAK', message });
  }
  return { failures, warnings };
};

/** "fd 7 → /tmp/u1/log.txt", or "fd 7" where the platform cannot say (macOS). */
function leakedOf(event: PeerEvent): string[] {
  if (!Array.isArray(event.leaked)) return [];
  const targets = Array.isArray(event.leakedTargets) ? event.leakedTargets : [];
  return event.leaked.map((fd, i) => (typeof targets[i] === 'string' ? `fd ${String(fd)} → ${targets[i] as string}` : `fd ${String(fd)}`));
}
