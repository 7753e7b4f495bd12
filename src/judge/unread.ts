// Bytes a scripted peer never read (`unreadData:`): a stream `recv: { text: "pong" }` passes when
// "pong!" came, and the `!` would go unnoticed. The peer looks at each connection as it closes it
// and writes an `unread` event; this turns those into failures or warnings per the policy.
import type { Failure, Warning } from './result';
import type { Verdict } from './verdict';

export const unreadVerdict: Verdict = ({ scenario, record }) => {
  const policy = scenario.expect.unreadData;
  if (policy === 'ignore') return {};
  const failures: Failure[] = [];
  const warnings: Warning[] = [];
  for (const event of record.timeline) {
    if (event.ev !== 'unread' || typeof event.bytes !== 'number') continue;
    const count = `${event.more === true ? 'at least ' : ''}${event.bytes} byte${event.bytes === 1 ? '' : 's'}`;
    const message =
      `${event.peer} closed ${String(event.connection)} with ${count} it never read, starting ${String(event.first)} (unreadData: ${policy}); ` +
      'read them with a `recv` (or `recv: { eof: true }` to prove nothing more comes), or write `expect: { unreadData: ignore }`';
    if (policy === 'fail') {
      failures.push({ code: 'UNREAD_DATA', peer: event.peer, ...(typeof event.step === 'number' ? { step: { name: String(event.stepName ?? 'close'), index: event.step } } : {}), message });
    } else warnings.push({ code: 'UNREAD_DATA', message });
  }
  return { failures, warnings };
};
