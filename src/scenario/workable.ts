// Checks across peers of what cannot work when the scenario runs, found from the scenario alone:
// a client connecting to the scenario's socket when no server is declared, and a `waitFor` of an
// event the named scripted peer never emits (which would end in a TIMEOUT blamed on the waiter).
// A `run:` or module peer may do or emit anything, so only scripted peers are judged.
import type { NormalizeContext } from './context';
import { closest, listNames, wordDistance } from './suggest';
import type { PathSegment } from './errors';
import { STEP_NAMES } from './limits';
import { SCRIPTED_EVENT_NAMES, type PeerSpec, type Scenario } from './types';

interface WrittenPeer {
  /** `server`, `client` or `clients`, as written */
  key: string;
  spec: PeerSpec;
}

/** The peer spec behind a peer id (`client-3` is the `clients:` group). */
function specOf(scenario: Scenario, id: string): PeerSpec | undefined {
  if (id === 'server') return scenario.server;
  if (id === 'client' || /^client-\d+$/.test(id)) return scenario.clients;
  return undefined;
}

/** Every event a scripted peer can emit: one per step it has, and the fixed ones. */
function eventsOf(spec: PeerSpec): Set<string> | undefined {
  if (spec.kind !== 'steps') return undefined;
  return new Set<string>([...spec.steps.map((s) => s.step), ...SCRIPTED_EVENT_NAMES]);
}

const KNOWN_EVENTS: ReadonlySet<string> = new Set([...STEP_NAMES, ...SCRIPTED_EVENT_NAMES]);

/**
 * A `run:` or module peer may emit any event, so an unknown name is no error; but one a few
 * letters off an event the harness knows (`listning`) is most likely that one misspelt.
 */
function warnNearMiss(ctx: NormalizeContext, at: PathSegment[], peer: string, spec: PeerSpec, event: string): void {
  if (KNOWN_EVENTS.has(event)) return;
  const near = closest(event, KNOWN_EVENTS, wordDistance(event));
  if (near === undefined) return;
  ctx.problems.warn(at, `\`${event}\` is no event the harness knows, and \`${peer}\` is a ${spec.kind === 'run' ? '`run:` program' : 'module peer'}, which emits only what it reports itself`, {
    hint: `did you mean \`${near}\`? (if \`${peer}\` reports \`${event}\` itself, this is as meant)`,
  });
}

export function checkWorkable(ctx: NormalizeContext, scenario: Scenario, peers: WrittenPeer[]): void {
  for (const { key, spec } of peers) {
    if (spec.kind !== 'steps') continue;
    for (const step of spec.steps) {
      const at = [key, 'steps', step.index, step.step];
      // A server written but broken is reported by itself; a step with a problem (a misspelled
      // `expectError`) may be meant to fail.
      const noServer = !ctx.peerIds.includes('server') && scenario.socket.address !== 'pair';
      if (step.step === 'connect' && noServer && step.expectError === undefined && (step.to === undefined || step.to === 'server') && !ctx.problems.hasAt([key, 'steps', step.index])) {
        ctx.problems.add([key, 'steps', step.index], '`connect` goes to the scenario\'s socket, but no `server:` is declared to listen on it', {
          hint: 'declare a `server:`, connect elsewhere with `to:`, or declare the failure: `connect: { expectError: ENOENT }`',
        });
      }
      if (step.step === 'waitFor') {
        const target = specOf(scenario, step.peer);
        const events = target === undefined ? undefined : eventsOf(target);
        if (target !== undefined && events === undefined) warnNearMiss(ctx, [...at, 'event'], step.peer, target, step.event);
        if (events === undefined || events.has(step.event)) continue;
        const near = closest(step.event, events, wordDistance(step.event));
        ctx.problems.add([...at, 'event'], `\`${step.peer}\` never emits \`${step.event}\`: its events are its steps' names and the fixed ones`, {
          hint: near !== undefined ? `did you mean \`${near}\`?` : `\`${step.peer}\` emits ${listNames([...events])}`,
        });
      }
    }
  }
}
