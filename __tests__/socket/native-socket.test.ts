// The native socket object owns its descriptor and nothing else, and keeps no more memory
// between calls than a small read needs.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { binding } from '../../src/socket/binding';

const ADDON = path.join(__dirname, '..', '..', 'build', 'Release', 'uds_fixture.node');

test('a NativeSocket made without a descriptor owns none: closing it leaves fd 0 open', () => {
  // In a child process: the constructor is reachable from any socket (its .constructor), and
  // before the fix close() closed fd 0 (undefined read as 0), which a test process cannot afford.
  const script = `
    const fs = require('node:fs');
    const addon = require(${JSON.stringify(ADDON)});
    const made = addon.socket(addon.constants.SOCK_STREAM);
    const Native = made.constructor;
    const empty = new Native();
    const result = { fd: empty.fd, close: empty.close() };
    try { fs.fstatSync(0); result.stdin = 'open'; } catch (e) { result.stdin = e.code; }
    made.close();
    process.stdout.write(JSON.stringify(result));
  `;
  const child = spawnSync(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8', input: '' });
  expect(child.stderr).toBe('');
  expect(JSON.parse(child.stdout)).toEqual({ fd: -1, close: 0, stdin: 'open' });
});

test('a large read does not stay allocated: the kept receive buffer stays at 64 KiB at most', () => {
  const { constants } = binding();
  const pair = binding().socketpair(constants.SOCK_STREAM);
  if (typeof pair === 'number') throw new Error(`socketpair failed: ${pair}`);
  const [a, b] = pair;
  try {
    const data = Buffer.alloc(100_000, 7);
    const written = a.sendmsg(data, 0, null, null);
    expect(written).toBeGreaterThan(70_000);
    const got = b.recvmsg(4 * 1024 * 1024, 0);
    if (typeof got === 'number') throw new Error(`recvmsg failed: ${got}`);
    expect(got.data.length).toBe(written);
    expect(got.data.equals(data.subarray(0, written as number))).toBe(true);
    expect(b.receiveBufferBytes).toBeLessThanOrEqual(64 * 1024);
    // A small read after it is served as before.
    a.sendmsg(Buffer.from('tail'), 0, null, null);
    const tail = b.recvmsg(16, 0);
    if (typeof tail === 'number') throw new Error(`recvmsg failed: ${tail}`);
    expect(tail.data.toString()).toBe('tail');
  } finally {
    a.close();
    b.close();
  }
});
