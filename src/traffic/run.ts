// One native run on a socket as a TrafficRun: the promise that settles once with the summary (or
// a TrafficError carrying it), cancel(), and progress(). Shared by every bulk engine.
import { binding } from '../socket/binding';
import { cancelledError, errnoOf, syscallError } from '../socket/errors';
import type { UnixSocket } from '../socket';
import { TrafficError, type TrafficSummary } from './errors';
import type { NativeOutcome, NativeTrafficHandle } from './native';
import type { TrafficRun } from './types';

// Runs still going when the process exits are stopped first: the environment joins each engine's
// thread on the way out, and a thread still in the loop would hold the exit up.
const running = new Set<NativeTrafficHandle>();
let exitHookInstalled = false;

export function startRun<S extends TrafficSummary>(
  sock: UnixSocket,
  syscall: string,
  launch: (done: (outcome: NativeOutcome) => void) => NativeTrafficHandle | number,
  summarize: (outcome: NativeOutcome) => S,
): TrafficRun<S> {
  if (sock.closed) throw syscallError(errnoOf('EBADF'), syscall, undefined, 'the socket is closed');
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const handle of running) handle.cancel();
    });
  }
  let handle: NativeTrafficHandle | undefined;
  const result = new Promise<S>((resolve, reject) => {
    const started = launch((outcome) => {
      if (handle) running.delete(handle);
      const summary = summarize(outcome);
      if (outcome.error) reject(new TrafficError(syscallError(outcome.error.errno, outcome.error.syscall), summary));
      else if (outcome.stopped === 'closed') reject(new TrafficError(cancelledError(syscall), summary));
      else resolve(summary);
    });
    if (typeof started === 'number') {
      reject(syscallError(started, 'dup', undefined, 'cannot give the traffic engine its own descriptor'));
      return;
    }
    handle = started;
    running.add(started);
  });
  return {
    result,
    cancel: () => handle?.cancel(),
    progress: () => {
      const [messages, bytes] = handle?.progress() ?? [0, 0];
      return { messages, bytes };
    },
  };
}

/** The socket type as the native engines take it. */
export function nativeType(sock: UnixSocket): number {
  const { constants } = binding();
  return sock.type === 'stream' ? constants.SOCK_STREAM : sock.type === 'dgram' ? constants.SOCK_DGRAM : constants.SOCK_SEQPACKET;
}
