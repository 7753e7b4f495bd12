import { CodedError } from '../errors/coded-error';
import type { ReadinessPlan } from '../plan/types';
import type { PeerEvent } from '../protocol/events';
import type { EventHub } from './event-channel';
import { describeAddress, probeOnce } from './probe';
import type { PeerProcess } from './spawn';

/** A peer never became ready; the message names what was awaited and for how long. */
export class NotReadyError extends CodedError<'NOT_READY'> {
  override readonly name = 'NotReadyError';
  constructor(
    readonly peer: string,
    readonly waitedFor: string,
    message: string,
  ) {
    super('NOT_READY', message);
  }
}

/** Probe delays: quick at first (most servers bind within milliseconds), then bounded. */
const FIRST_PROBE_DELAY_MS = 5;
const MAX_PROBE_DELAY_MS = 200;
/** How long a peer that exited has for the rest of its event channel to be read (as at teardown). */
const EXITED_CHANNEL_DRAIN_MS = 1_000;

function describeReadiness(ready: ReadinessPlan): string {
  switch (ready.kind) {
    case 'none':
      return 'nothing';
    case 'socket':
      return `socket ${describeAddress(ready.address)}`;
    case 'stdout':
      return `stdout matching /${ready.pattern}/`;
    case 'event':
      return `event "${ready.event}"`;
  }
}

function notReadyMessage(id: string, ready: ReadinessPlan, ms: number, lastError?: string): string {
  switch (ready.kind) {
    case 'socket':
      return `${id}: socket ${describeAddress(ready.address)} not accepting after ${ms} ms${lastError ? ` (last attempt: ${lastError})` : ''}`;
    case 'stdout':
      return `${id}: stdout did not match /${ready.pattern}/ after ${ms} ms`;
    case 'event':
      return `${id}: no "${ready.event}" event after ${ms} ms`;
    case 'none':
      return `${id}: not ready after ${ms} ms`;
  }
}

function exitDescription(end: Awaited<PeerProcess['ended']>): string {
  if ('message' in end) return `could not be started (${end.code})`;
  return end.signal ? `was killed by ${end.signal}` : `exited with code ${end.exitCode}`;
}

/**
 * Waits until `peer` is ready by its plan's strategy. Rejects with NotReadyError when the
 * strategy's timeout passes or the peer ends first; resolves quietly when `stop` fires (the run
 * is over for another reason, which the caller knows).
 */
export function waitUntilReady(peer: PeerProcess, hub: EventHub, stop: AbortSignal): Promise<void> {
  const { ready, id } = { ready: peer.plan.ready, id: peer.plan.id };
  const timeoutMs = peer.plan.readyTimeoutMs;
  if (ready.kind === 'none') return Promise.resolve();

  return new Promise<void>((resolve, reject) => {
    const cleanups: Array<() => void> = [];
    let settled = false;
    let lastError: string | undefined;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      for (const cleanup of cleanups) cleanup();
      if (err) reject(err);
      else resolve();
    };

    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      timer = setTimeout(() => finish(new NotReadyError(id, describeReadiness(ready), notReadyMessage(id, ready, timeoutMs, lastError))), timeoutMs);
    };
    cleanups.push(() => clearTimeout(timer));
    // A scripted peer's readiness counts from its `start`: the seconds a busy machine may take to
    // start a Node process are not the peer's failure (the run's own timeout still bounds them).
    const started = (e: PeerEvent): boolean => e.peer === id && e.ev === 'start';
    if (peer.plan.program === 'steps' && !hub.timeline().some(started)) cleanups.push(hub.on((e) => started(e) && timer === undefined && arm()));
    else arm();
    const onStop = (): void => finish();
    stop.addEventListener('abort', onStop, { once: true });
    cleanups.push(() => stop.removeEventListener('abort', onStop));
    if (stop.aborted) return finish();
    void peer.ended.then(async (end) => {
      // Its exit can be seen before the last lines it wrote on its event channel are read, and
      // the ready event may be among them: read them first (bounded, like teardown).
      await hub.drain(EXITED_CHANNEL_DRAIN_MS, id);
      finish(new NotReadyError(id, describeReadiness(ready), `${id} ${exitDescription(end)} before it was ready (waited for ${describeReadiness(ready)})`));
    });

    switch (ready.kind) {
      case 'event': {
        const matches = (e: { peer: string; ev: string }): boolean => e.peer === id && e.ev === ready.event;
        if (hub.timeline().some(matches)) return finish();
        cleanups.push(hub.on((event) => matches(event) && finish()));
        return;
      }
      case 'stdout': {
        const pattern = new RegExp(ready.pattern, 'm');
        // The whole output so far is matched, so a line split across chunks still matches.
        let seen = '';
        const onData = (chunk: Buffer): void => {
          seen = (seen + chunk.toString('utf8')).slice(-1024 * 1024);
          if (pattern.test(seen)) finish();
        };
        peer.child?.stdout?.on('data', onData);
        cleanups.push(() => peer.child?.stdout?.off('data', onData));
        return;
      }
      case 'socket': {
        let delay = FIRST_PROBE_DELAY_MS;
        let retry: NodeJS.Timeout | undefined;
        cleanups.push(() => clearTimeout(retry));
        const attempt = (): void => {
          void probeOnce(ready.address, ready.type).then((code) => {
            if (settled) return;
            if (code === undefined) return finish();
            lastError = code;
            retry = setTimeout(attempt, delay);
            delay = Math.min(delay * 2, MAX_PROBE_DELAY_MS);
          });
        };
        attempt();
        return;
      }
    }
  });
}
