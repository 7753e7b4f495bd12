// `expectPeer`: the credentials the kernel reports for the other end of a connection.
import type { PeerCredExpectation } from '../../scenario/types';
import type { PeerCredentials } from '../../socket';
import { StepFailure } from '../errors';
import type { StepProgress } from '../progress';
import type { PeerRuntime } from '../runtime';

export async function checkPeerCredentials(
  expect: PeerCredExpectation | undefined,
  got: PeerCredentials,
  peer: PeerRuntime,
  progress: StepProgress,
): Promise<void> {
  if (!expect) return;
  const expected: Partial<PeerCredentials> = {};
  if (expect.uid !== undefined) expected.uid = expect.uid === 'self' ? process.getuid!() : expect.uid;
  if (expect.gid !== undefined) expected.gid = expect.gid === 'self' ? process.getgid!() : expect.gid;
  if (typeof expect.pid === 'number') expected.pid = expect.pid;
  if (typeof expect.pid === 'string') {
    const name = expect.pid;
    // The other peer's `start` event may still be on its way through the harness.
    progress.waitingFor(() => `the start event of peer "${name}" (its pid, for expectPeer.pid)`);
    expected.pid = await peer.log.until(() => peer.log.pidOf(name));
  }
  const wrong = (Object.keys(expected) as (keyof PeerCredentials)[]).filter((k) => expected[k] !== got[k]);
  if (wrong.length === 0) return;
  const what = wrong
    .map((k) => (k === 'pid' && got.pid === -1 ? `an unknown pid (expected ${expected.pid}): it closed before the credentials were read, and macOS forgets a closed peer's pid` : `${k} ${got[k]} (expected ${expected[k]})`))
    .join(', ');
  throw new StepFailure(
    'PEER_CRED_MISMATCH',
    `${progress.step.step}: the peer at the other end has ${what}; fix expectPeer or the program that connected`,
    expected,
    got,
  );
}
