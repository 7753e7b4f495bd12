import type { Failure } from './result';
import type { Verdict } from './verdict';

const SPAWN_HINTS: Record<string, string> = {
  ENOENT: 'no such program or working directory; check `run:`, `cwd:` and PATH',
  EACCES: 'permission denied; is the program executable (chmod +x)?',
  ENOEXEC: 'not an executable format; a script needs a #! line',
};

/** Peers that could not be started, and a server that never became ready. */
export const startupVerdict: Verdict = ({ record }) => {
  const failures: Failure[] = [];
  for (const peer of record.peers) {
    if (!peer.spawnError) continue;
    const hint = SPAWN_HINTS[peer.spawnError.code];
    failures.push({
      code: 'SPAWN_FAILED',
      peer: peer.id,
      cause: peer.spawnError.code,
      message: `${peer.id} could not be started (${peer.argv[0]}): ${peer.spawnError.message}${hint ? `; ${hint}` : ''}`,
    });
  }
  const notReady = record.notReady;
  if (notReady && !record.peers.some((p) => p.id === notReady.peer && p.spawnError)) {
    const unstarted = record.peers.filter((p) => !p.started && !p.spawnError).map((p) => p.id);
    const note = unstarted.length > 0 ? `; not started: ${unstarted.join(', ')}` : '';
    failures.push({ code: 'NOT_READY', peer: notReady.peer, message: `${notReady.message}${note}` });
  }
  return { failures };
};
