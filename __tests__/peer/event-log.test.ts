// The peer's event log (src/peer/event-log.ts) against a relay that counts how often it is asked.
import { EventLog } from '../../src/peer/event-log';
import type { RelaySource } from '../../src/peer/channel';
import type { PeerEvent } from '../../src/protocol/events';

function countingRelay(): RelaySource & { refreshes: number } {
  return {
    refreshes: 0,
    refresh() {
      this.refreshes++;
    },
    follow: () => undefined,
  };
}

describe('the event log', () => {
  it('keeps who a peer is and since when it runs once known: a step asks both without looking at the relay again', () => {
    const log = new EventLog();
    const relay = countingRelay();
    log.readFrom(relay);
    const spawn: PeerEvent = { t: 10, peer: 'harness', ev: 'spawn', target: 'client', program: 'steps', pid: 40, pgid: 40 };
    const start: PeerEvent = { t: 20, peer: 'client', ev: 'start', pid: 41 };
    expect(log.identityOf('client')).toBeUndefined();
    expect(log.runningSince('client')).toBeUndefined();
    log.add(spawn);
    log.add(start);
    expect(log.identityOf('client')).toEqual({ kind: 'process', pid: 41 });
    expect(log.runningSince('client')).toBe(20);
    const before = relay.refreshes;
    // many steps later, with many events in between
    for (let i = 0; i < 100; i++) log.add({ t: 30 + i, peer: 'client', ev: 'send' });
    for (let i = 0; i < 100; i++) {
      expect(log.identityOf('client')).toEqual({ kind: 'process', pid: 41 });
      expect(log.runningSince('client')).toBe(20);
    }
    expect(relay.refreshes).toBe(before);
    // what is not known yet is still looked up
    expect(log.identityOf('server')).toBeUndefined();
    expect(relay.refreshes).toBeGreaterThan(before);
  });

  it('knows a run: program by its process group from its spawn, and since its spawn', () => {
    const log = new EventLog();
    log.add({ t: 5, peer: 'harness', ev: 'spawn', target: 'prog', program: 'run', pid: 70, pgid: 70 });
    log.add({ t: 9, peer: 'prog', ev: 'start', pid: 71 });
    expect(log.identityOf('prog')).toEqual({ kind: 'group', pgid: 70 });
    expect(log.runningSince('prog')).toBe(5);
  });
});
