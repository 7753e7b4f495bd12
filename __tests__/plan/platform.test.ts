import { skipReason } from '../../src/plan/platform';
import { makeScenario } from './make-scenario';

describe('skipReason', () => {
  it('runs a scenario on a listed platform', () => {
    expect(skipReason(makeScenario(), 'linux')).toBeUndefined();
    expect(skipReason(makeScenario(), 'darwin')).toBeUndefined();
  });

  it('skips a platform the scenario does not list', () => {
    expect(skipReason(makeScenario({ platforms: ['linux'] }), 'darwin')).toBe('platforms: [linux] does not include darwin');
  });

  it('skips seqpacket on macOS', () => {
    const s = makeScenario({ socket: { type: 'seqpacket', address: 'path' } });
    expect(skipReason(s, 'darwin')).toBe('socket type seqpacket is not available on darwin (macOS has no AF_UNIX SOCK_SEQPACKET)');
    expect(skipReason(s, 'linux')).toBeUndefined();
  });

  it('skips the abstract namespace off Linux', () => {
    const s = makeScenario({ socket: { type: 'dgram', address: 'abstract' } });
    expect(skipReason(s, 'darwin')).toBe('address abstract is not available on darwin (the abstract namespace is Linux only)');
    expect(skipReason(s, 'linux')).toBeUndefined();
  });
});
