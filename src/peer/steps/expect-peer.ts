// `expectPeer`: the credentials the kernel reports for the other end of a connection.
import type { PeerCredExpectation } from '../../scenario/types';
import { processGroupOf, type PeerCredentials } from '../../socket';
import { StepFailure } from '../errors';
import type { PeerIdentity } from '../event-log';
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
  const wrong = (Object.keys(expected) as (keyof PeerCredentials)[]).filter((k) => expected[k] !== got[k]).map((k) => describeMismatch(k, expected[k]!, got));
  if (typeof expect.pid === 'string') {
    const name = expect.pid;
    // The other peer's `start` (scripted) or `spawn` (program) event may still be on its way through the harness.
    progress.waitingFor(() => `peer "${name}" to start (its pid, for expectPeer.pid)`);
    const identity = await peer.log.until(() => peer.log.identityOf(name));
    if (identity.kind === 'process') expected.pid = identity.pid;
    const mismatch = checkIdentity(name, identity, got.pid);
    if (mismatch) wrong.push(mismatch);
  }
  if (wrong.length === 0) return;
  throw new StepFailure(
    'PEER_CRED_MISMATCH',
    `${progress.step.step}: the peer at the other end has ${wrong.join(', ')}; fix expectPeer or the program that connected`,
    expected,
    got,
  );
}

const UNKNOWN_PID = 'it closed before the credentials were read, and macOS forgets a closed peer\'s pid';

function describeMismatch(key: keyof PeerCredentials, expected: number, got: PeerCredentials): string {
  if (key === 'pid' && got.pid === -1) return `an unknown pid (expected ${expected}): ${UNKNOWN_PID}`;
  return `${key} ${got[key]} (expected ${expected})`;
}

/**
 * A scripted peer is one process: its pid must match. A `run:` program is any process of the
 * group the harness started it in — the program itself, or a child of a wrapper script.
 */
function checkIdentity(name: string, identity: PeerIdentity, pid: number): string | undefined {
  if (identity.kind === 'process') return pid === identity.pid ? undefined : describeMismatch('pid', identity.pid, { pid, uid: 0, gid: 0 });
  const want = `a process of ${name}'s group ${identity.pgid} (the run: program or its children)`;
  if (pid === -1) return `an unknown pid, expected ${want}: ${UNKNOWN_PID}`;
  const group = processGroupOf(pid);
  if (group === identity.pgid) return undefined;
  return `pid ${pid} ${group === undefined ? 'that has already exited, so its group is unknown' : `in group ${group}`}, expected ${want}`;
}
