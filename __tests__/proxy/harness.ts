// Test helpers for the proxy: a private short directory, a proxy whose events are kept, and a
// bounded wait for an event (never a sleep).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startProxy } from '../../src/proxy';
import type { Proxy, ProxyEvent, ProxyOptions } from '../../src/proxy';

export function makeDir(): { dir: string; entries(): string[]; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'udsp-'));
  return { dir, entries: () => readdirSync(dir).sort(), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface WatchedProxy {
  proxy: Proxy;
  events: ProxyEvent[];
  /** the first event (already seen or to come) that `match` accepts, within 10 s */
  waitFor(what: string, match: (event: ProxyEvent) => boolean): Promise<ProxyEvent>;
}

export function watchedProxy(options: Omit<ProxyOptions, 'onEvent'>): WatchedProxy {
  const events: ProxyEvent[] = [];
  const waiters: (() => void)[] = [];
  const proxy = startProxy({
    capture: true,
    ...options,
    onEvent: (event) => {
      events.push(event);
      for (const wake of waiters.splice(0)) wake();
    },
  });
  const waitFor = (what: string, match: (event: ProxyEvent) => boolean) =>
    new Promise<ProxyEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no proxy event ${what} within 10 s; saw ${JSON.stringify(events)}`)), 10_000);
      const check = () => {
        const found = events.find(match);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(check);
      };
      check();
    });
  return { proxy, events, waitFor };
}
