// Normalized scenarios built by hand, so plan, run and judge tests do not depend on the loader.
import type { PeerSpec, Scenario, Step } from '../../src/scenario/types';

export function runPeer(argv: string[], extra: Partial<PeerSpec> = {}): PeerSpec {
  return { kind: 'run', argv, env: {}, ready: { kind: 'socket' }, ...extra } as PeerSpec;
}

export function stepsPeer(steps: Array<Omit<Step, 'index'> & { index?: number }>, extra: Partial<PeerSpec> = {}): PeerSpec {
  return {
    kind: 'steps',
    steps: steps.map((s, index) => ({ index, ...s })) as Step[],
    env: {},
    ready: { kind: 'socket' },
    ...extra,
  } as PeerSpec;
}

export function makeScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 'hand-made',
    tags: [],
    platforms: ['linux', 'darwin'],
    timeoutMs: 10_000,
    socket: { type: 'stream', address: 'path' },
    files: {},
    expect: { exit: {}, stdout: {}, stderr: {}, leftoverSockets: 'fail', fdLeaks: 'fail', unreadData: 'fail' },
    baseDir: process.cwd(),
    ...overrides,
  };
}

export function clientGroup(spec: PeerSpec, count = 1): Scenario['clients'] {
  return { ...spec, count, single: count === 1 };
}
