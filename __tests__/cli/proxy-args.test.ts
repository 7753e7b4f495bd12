// `uds-fixture proxy` options → the proxy's faults: which direction each applies to, the message
// selections, --faults FILE in the scenario's form, and usage errors that say what to write.
import { parseCommandLine } from '../../src/cli/args';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseProxyArgs } from '../../src/cli/proxy-args';

const base = ['--listen', '/tmp/p', '--connect', '/tmp/s'];

it('fault options apply to both directions, or to the one --direction names', () => {
  expect(parseProxyArgs([...base, '--chunk', '1..7', '--delay', '20ms', '--jitter', '5ms'])).toMatchObject({
    type: 'stream',
    toServer: { chunk: '1..7', delay: { time: '20ms', jitter: '5ms' } },
    toClient: { chunk: '1..7', delay: { time: '20ms', jitter: '5ms' } },
  });
  const one = parseProxyArgs([...base, '--type', 'dgram', '--direction', 'to-client', '--drop', '10%', '--duplicate', '3,5', '--reorder', 'all', '--seed', '7']);
  expect(one).toMatchObject({ type: 'dgram', seed: 7, toServer: {}, toClient: { drop: { rate: 0.1 }, duplicate: { message: [3, 5] }, reorder: true } });
  expect(parseProxyArgs([...base, '--reset', '100', '--stall', '4096:500ms', '--corrupt', '3,9', '--truncate-fds', '1'])).toMatchObject({
    toServer: { reset: { afterBytes: 100 }, stall: { after: 4096, for: '500ms' }, corrupt: { at: [3, 9] }, truncateFds: { keep: 1 } },
  });
});

it('--faults FILE takes the scenario form; flags add to it', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'udsp-args-'));
  try {
    const file = path.join(dir, 'faults.yaml');
    writeFileSync(file, 'toServer: { chunk: 1 }\ntoClient: { delay: 5ms }\n');
    expect(parseProxyArgs([...base, '--faults', file, '--direction', 'to-client', '--corrupt', '0'])).toMatchObject({ toServer: { chunk: 1 }, toClient: { delay: '5ms', corrupt: { at: [0] } } });
    writeFileSync(file, 'toserver: {}\n');
    expect(() => parseProxyArgs([...base, '--faults', file])).toThrow("unknown key 'toserver'; the keys are toServer and toClient");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('usage errors name the option and what it takes', () => {
  expect(() => parseProxyArgs(['--listen', '/tmp/p'])).toThrow('proxy needs --listen PATH (where clients connect) and --connect PATH (the server)');
  expect(() => parseProxyArgs([...base, '--drop', 'some'])).toThrow("--drop takes message numbers (3 or 3,5), a rate (10%) or all; got 'some'");
  expect(() => parseProxyArgs([...base, '--stall', '500ms'])).toThrow('--stall takes AFTER_BYTES:DURATION');
  expect(() => parseProxyArgs([...base, '--type', 'raw'])).toThrow("--type must be one of stream, dgram, seqpacket; got 'raw'");
  expect(() => parseProxyArgs([...base, '--jitter', '5ms'])).toThrow('--jitter goes with --delay');
  expect(() => parseProxyArgs([...base, '--verbose'])).toThrow(/unknown option --verbose; the options are --help, --listen/);
  expect(() => parseProxyArgs([...base, '--chunck', '1'])).toThrow('unknown option --chunck; did you mean --chunk?');
  expect(parseProxyArgs(['--help'])).toBe('help');
});

test('a misspelt option of run names the one meant; an unknown one lists them', () => {
  const none = (): string[] => [];
  expect(() => parseCommandLine(['run', '--timout', '5s'], none)).toThrow('unknown option --timout; did you mean --timeout?');
  expect(() => parseCommandLine(['run', '--html'], none)).toThrow(/^unknown option --html; the options are --help, --reporter, --out/);
});
