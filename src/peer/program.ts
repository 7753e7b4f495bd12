// The scripted peer from start to end: announce itself, run the steps in order, then account for
// descriptors and report `done`; or, on the first failure, report `fail`, close and exit 1.
import type { PeerLaunch } from '../protocol/events';
import { openDescriptorCount, UnixSocket } from '../socket';
import { ChannelError, EventChannel } from './channel';
import { messageOf, StepFailure } from './errors';
import { PEER_EXIT } from './exit-codes';
import { compareFdSnapshots, takeFdSnapshot } from './fd-accounting';
import { loadModule, runModulePeer, type ModulePeer } from './module-peer';
import { nativeRunLength, runNatively, type NativeRunEnd } from './exchange';
import { runStep, type Handover } from './runner';
import { PeerRuntime } from './runtime';
import { openConnections, reportUnread } from './unread';
import { sizeBuffers, type BufferReport } from './buffers';

export async function runPeerProgram(launch: PeerLaunch): Promise<never> {
  const peer = new PeerRuntime(launch);
  let stepIndex: number | undefined;

  const failAndExit = async (failure: StepFailure): Promise<never> => {
    if (peer.isExiting) return new Promise<never>(() => undefined);
    // What the failure still has to report comes first; a cancelled engine answers within ~20 ms,
    // and 1 s bounds the wait should it not.
    if (failure.reporting) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([failure.reporting, new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)))]);
      clearTimeout(timer);
    }
    const closeError = closeQuietly(peer);
    peer.emit(
      'fail',
      {
        code: failure.code,
        message: failure.message,
        expected: failure.expected,
        got: failure.got,
        errno: failure.failedCall?.errno,
        syscall: failure.failedCall?.syscall,
        closeError,
        nativeSteps: peer.nativeSteps > 0 ? peer.nativeSteps : undefined,
        // A receive that failed on what it got: the bytes it took, dated when they arrived.
        ...(failure.took ? { bytes: failure.took.bytes, ...failure.took.from } : {}),
      },
      stepIndex,
      failure.took?.atNs,
    );
    return peer.exit(PEER_EXIT.failed);
  };
  const unexpected = (err: unknown): void => {
    void failAndExit(
      err instanceof StepFailure ? err : new StepFailure('UNEXPECTED_ERROR', `the peer program failed: ${messageOf(err)}`, undefined, undefined, { errno: (err as { code?: string }).code }),
    );
  };
  process.on('uncaughtException', unexpected);
  process.on('unhandledRejection', unexpected);
  // The harness ends a peer with SIGTERM when the run times out: say first where this peer was
  // stuck, so the verdict can name the step and what it waited for. Then die of the signal, as
  // the harness expects (once() has removed the listener, so the default action applies).
  // Steps running in native code are stopped first: their events, and the step they stopped in.
  const stopped = (): void => {
    const running = peer.running;
    peer.emitNow(
      'stopped',
      {
        signal: 'SIGTERM',
        ...(running ? { waitingFor: running.describe(), forMs: Date.now() - running.startedAt } : {}),
        ...(peer.nativeSteps > 0 ? { nativeSteps: peer.nativeSteps } : {}),
      },
      running?.step.index,
    );
    process.kill(process.pid, 'SIGTERM');
  };
  process.once('SIGTERM', () => {
    const native = peer.native;
    if (native === undefined) return stopped();
    void native
      .settle()
      .then(() => peer.flush())
      .then(stopped);
  });

  let channel: EventChannel;
  try {
    channel = EventChannel.open({
      event: (event) => peer.log.add(event),
      lost: () => {
        if (peer.isExiting) return;
        // Nobody is left to read events: close what this peer made, and go.
        closeQuietly(peer);
        process.exit(PEER_EXIT.channelLost);
      },
      malformed: (line) =>
        void failAndExit(new StepFailure('UNEXPECTED_ERROR', `the event channel delivered a line that is not an event: ${line.slice(0, 200)}`)),
    });
  } catch (err) {
    if (!(err instanceof ChannelError)) throw err;
    process.stderr.write(`uds-fixture peer "${launch.id}": ${err.message}\n`);
    process.exit(PEER_EXIT.channelLost);
  }
  peer.attach(channel);

  let modulePeer: ModulePeer | undefined;
  try {
    if (launch.module !== undefined) modulePeer = loadModule(launch.module, launch.dir, launch.id);
  } catch (err) {
    return failAndExit(err instanceof StepFailure ? err : new StepFailure('UNEXPECTED_ERROR', messageOf(err)));
  }
  const before = launch.fdAccounting ? takeFdSnapshot() : undefined;
  if (launch.socket.address === 'pair') {
    if (launch.socket.fd === undefined) {
      return failAndExit(new StepFailure('UNEXPECTED_ERROR', 'socket address is `pair`, but the launch file gives no inherited descriptor (socket.fd)'));
    }
    peer.current = { sock: peer.own(UnixSocket.fromFd(launch.socket.fd, launch.socket.type)), connected: true };
  }
  let sized: BufferReport = {};
  if (peer.current !== undefined) {
    try {
      sized = sizeBuffers(peer.current.sock, launch.socket);
    } catch (err) {
      return failAndExit(new StepFailure('UNEXPECTED_ERROR', `socket: the inherited socketpair end's buffer sizes cannot be set: ${messageOf(err)}`));
    }
  }
  peer.emit('start', { pid: process.pid, fds: openDescriptorCount(), ...sized });

  if (modulePeer !== undefined) {
    try {
      await runModulePeer(modulePeer, peer);
    } catch (err) {
      return failAndExit(err instanceof StepFailure ? err : new StepFailure('UNEXPECTED_ERROR', `module ${launch.module} failed: ${messageOf(err)}`));
    }
  }

  const steps = launch.steps;
  for (let i = 0; i < steps.length; i++) {
    let handover: Handover | undefined;
    // A run of send/recv steps native code can do: done there; the step that stopped it runs here.
    const native = nativeRunLength(steps, i, peer);
    if (native > 0) {
      stepIndex = steps[i]!.index;
      let end: NativeRunEnd;
      try {
        end = await runNatively(steps.slice(i, i + native), peer);
      } catch (err) {
        return failAndExit(err instanceof StepFailure ? err : new StepFailure('UNEXPECTED_ERROR', `${steps[i]!.step} failed: ${messageOf(err)}`));
      }
      i += end.completed;
      if (i >= steps.length) break;
      handover = end.handover;
    }
    const step = steps[i]!;
    stepIndex = step.index;
    try {
      await runStep(step, peer, handover);
    } catch (err) {
      return failAndExit(err instanceof StepFailure ? err : new StepFailure('UNEXPECTED_ERROR', `${step.step} failed: ${messageOf(err)}`));
    }
  }
  stepIndex = undefined;

  try {
    reportUnread(peer, openConnections(peer));
    peer.closeAll(true);
  } catch (err) {
    return failAndExit(new StepFailure('UNEXPECTED_ERROR', `closing at the end of the steps failed: ${messageOf(err)}`));
  }
  if (before) peer.emit('fds', { ...compareFdSnapshots(before, takeFdSnapshot()) });
  peer.emit('done', peer.nativeSteps > 0 ? { nativeSteps: peer.nativeSteps } : {});
  return peer.exit(PEER_EXIT.done);
}

function closeQuietly(peer: PeerRuntime): string | undefined {
  try {
    peer.closeAll(true);
    return undefined;
  } catch (err) {
    return messageOf(err);
  }
}
