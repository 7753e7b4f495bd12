// `uds-fixture proxy` options → the proxy's faults: which direction each applies to, the message
// selections, --faults FILE in the scenario's form, and usage errors that say what to write.
import { parseCommandLine } from '../../src/cli/args';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { parseProxyArgs, proxyOptionsUsage } from '../../src/cli/proxy-args';
import { ProxyOptionsError, startProxy } from '../../src/proxy';

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
    // The same fault from an option and the file: refused, not one silently taken over the other.
    expect(() => parseProxyArgs([...base, '--faults', file, '--chunk', '2', '--direction', 'to-server'])).toThrow(`--chunk and --faults ${file} both give toServer.chunk; give it in one of them`);
    expect(parseProxyArgs([...base, '--faults', file, '--chunk', '2', '--direction', 'to-client'])).toMatchObject({ toServer: { chunk: 1 }, toClient: { delay: '5ms', chunk: '2' } });
    // The scenario's form has a seed; so does the file.
    writeFileSync(file, 'seed: 42\ntoClient: { drop: { rate: 0.1 } }\n');
    expect(parseProxyArgs([...base, '--type', 'dgram', '--faults', file])).toMatchObject({ seed: 42, toClient: { drop: { rate: 0.1 } } });
    expect(() => parseProxyArgs([...base, '--faults', file, '--seed', '7'])).toThrow(`--seed and --faults ${file} both give the seed; give it in one of them`);
    writeFileSync(file, 'seed: 1.5\n');
    expect(() => parseProxyArgs([...base, '--faults', file])).toThrow(`--faults ${file}: seed must be a whole number from 0 to 9007199254740991, e.g. seed: 42; got 1.5`);
    writeFileSync(file, 'toserver: {}\n');
    expect(() => parseProxyArgs([...base, '--faults', file])).toThrow("unknown key 'toserver'; the keys are toServer, toClient and seed");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('usage errors name the option and what it takes', () => {
  expect(() => parseProxyArgs(['--listen', '/tmp/p'])).toThrow('proxy needs --listen PATH (where clients connect) and --connect PATH (the server)');
  expect(() => parseProxyArgs([...base, '--type', 'dgram', '--drop', 'some'])).toThrow("--drop takes message numbers (3 or 3,5), a rate (10%) or all, e.g. --drop 3, --drop 3,5, --drop 10% or --drop all; got 'some'");
  expect(() => parseProxyArgs([...base, '--stall', '500ms'])).toThrow("--stall takes AFTER_BYTES:DURATION, e.g. --stall 4096:500ms; got '500ms'");
  expect(() => parseProxyArgs([...base, '--type', 'raw'])).toThrow("--type must be one of stream, dgram, seqpacket; got 'raw'");
  expect(() => parseProxyArgs([...base, '--jitter', '5ms'])).toThrow('--jitter goes with --delay, e.g. --delay 20ms --jitter 5ms');
  expect(() => parseProxyArgs([...base, '--verbose'])).toThrow(/unknown option --verbose; the options are --help, --listen/);
  expect(() => parseProxyArgs([...base, '--chunck', '1'])).toThrow('unknown option --chunck; did you mean --chunk?');
  expect(parseProxyArgs(['--help'])).toBe('help');
  // A seed past 2^53 is not exact (it would run with another one); before, it aborted the process.
  expect(() => parseProxyArgs([...base, '--seed', '9007199254740993'])).toThrow("--seed takes a whole number from 0 to 9007199254740991, e.g. --seed 42; got '9007199254740993'");
  expect(parseProxyArgs([...base, '--seed', '9007199254740991'])).toMatchObject({ seed: 9007199254740991 });
  // The proxy connecting to itself forwarded each connection to itself again, without end.
  expect(() => parseProxyArgs(['--listen', '/tmp/loop', '--connect', '/tmp/../tmp/loop'])).toThrow('--connect /tmp/../tmp/loop is the --listen path itself: every connection would be forwarded to the proxy again, without end; give --connect the server\'s path');
});

test('a misspelt option of run names the one meant; an unknown one lists them', () => {
  const none = (): string[] => [];
  expect(() => parseCommandLine(['run', '--timout', '5s'], none)).toThrow('unknown option --timout; did you mean --timeout?');
  expect(() => parseCommandLine(['run', '--html'], none)).toThrow(/^unknown option --html; the options are --help, --reporter, --out/);
});

/** The message parseProxyArgs refuses these options with (after `base`). */
function message(args: string[]): string {
  try {
    parseProxyArgs([...base, ...args]);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`no error for ${args.join(' ')}`);
}

test('a fault option with a value it cannot take says so in the option\'s terms, once, with the form it takes', () => {
  expect(message(['--chunk', '0'])).toBe("--chunk takes a piece size in bytes from 1, or a range MIN..MAX, e.g. --chunk 1 or --chunk 1..7; got '0'");
  expect(message(['--chunk', '7..1'])).toBe("--chunk takes a piece size in bytes from 1, or a range MIN..MAX, e.g. --chunk 1 or --chunk 1..7; got '7..1'");
  expect(message(['--type', 'dgram', '--chunk', '1..7'])).toBe('--chunk works with --type stream only (it re-splits a byte stream; a dgram socket keeps its message boundaries); this proxy is --type dgram');
  expect(message(['--drop', '0.1'])).toBe('--drop works with --type dgram or seqpacket only (a stream cannot lose bytes: on a stream use --reset N to end the connection, or --chunk 1..7 to split it); this proxy is --type stream');
  expect(message(['--type', 'dgram', '--drop', '0.1'])).toBe("--drop takes message numbers (3 or 3,5), a rate (10%) or all, e.g. --drop 3, --drop 3,5, --drop 10% or --drop all; got '0.1'");
  expect(message(['--type', 'dgram', '--duplicate', '150%'])).toBe("--duplicate takes a rate from 0% to 100%; got '150%'");
  expect(message(['--type', 'seqpacket', '--reorder', '0,2'])).toBe("--reorder: messages are numbered from 1 in each direction; got '0,2' (e.g. --reorder 3, --reorder 10% or --reorder all)");
  expect(message(['--type', 'dgram', '--reset', '8'])).toBe('--reset works with --type stream or seqpacket only (a datagram socket has no connection to reset: use --drop to lose datagrams); this proxy is --type dgram');
  expect(message(['--delay', 'soon'])).toBe("--delay takes a duration in ms, s or m (a bare number is milliseconds), e.g. --delay 20ms; got 'soon'");
  expect(message(['--delay', '5ms', '--jitter', 'x'])).toBe("--jitter takes a duration in ms, s or m (a bare number is milliseconds), e.g. --jitter 5ms; got 'x'");
  expect(message(['--stall', '4096:forever'])).toBe("--stall takes a duration in ms, s or m (a bare number is milliseconds), e.g. --stall 4096:500ms; got 'forever'");
  expect(message(['--reset', 'x'])).toBe("--reset takes a whole number from 0 to 9007199254740991, e.g. --reset 100; got 'x'");
  expect(message(['--seed', '-1'])).toBe("--seed needs a value, e.g. --seed 42 (a value that starts with '-' is written --seed=VALUE)");
  expect(message(['--seed=-1'])).toBe("--seed takes a whole number from 0 to 9007199254740991, e.g. --seed 42; got '-1'");
  expect(message(['--chunk'])).toBe('--chunk needs a value, e.g. --chunk 1 or --chunk 1..7');
  expect(message(['--quiet=yes'])).toBe('--quiet takes no value');
  expect(message(['extra'])).toBe("unexpected argument 'extra': proxy takes only options");
  // none speaks of scenario fields or file positions
  for (const args of [['--chunk', '0'], ['--drop', '1'], ['--delay', 'x']]) expect(message(args)).not.toMatch(/toServer|toClient|socket:|`/);
  // a bare number of milliseconds, as in a scenario
  expect(parseProxyArgs([...base, '--delay', '20'])).toMatchObject({ toServer: { delay: 20 } });
});

test('--delay-per chunk holds each piece of --chunk: it needs --delay and --chunk on a stream, and names the values it takes', () => {
  expect(parseProxyArgs([...base, '--direction', 'to-server', '--chunk', '1', '--delay', '20ms', '--jitter', '5ms', '--delay-per', 'chunk'])).toMatchObject({
    toServer: { chunk: '1', delay: { time: '20ms', jitter: '5ms', per: 'chunk' } },
    toClient: {},
  });
  expect(parseProxyArgs([...base, '--delay', '20ms', '--delay-per', 'message'])).toMatchObject({ toServer: { delay: { time: '20ms', per: 'message' } } });
  expect(message(['--chunk', '1', '--delay', '20ms', '--delay-per', 'piece'])).toBe("--delay-per takes message or chunk, e.g. --delay-per chunk; got 'piece'");
  expect(message(['--chunk', '1', '--delay-per', 'chunk'])).toBe('--delay-per goes with --delay, e.g. --chunk 1 --delay 20ms --delay-per chunk');
  expect(message(['--delay', '20ms', '--delay-per', 'chunk'])).toBe('--delay-per chunk holds each piece of a --chunk re-split: give --chunk too, e.g. --chunk 1 --delay 20ms --delay-per chunk');
  expect(message(['--type', 'seqpacket', '--delay', '20ms', '--delay-per', 'chunk'])).toBe(
    '--delay-per chunk works with --type stream only (it holds each piece of a --chunk re-split; a seqpacket socket keeps its message boundaries); this proxy is --type seqpacket',
  );
  expect(message(['--delay-per'])).toBe('--delay-per needs a value, e.g. --delay-per chunk');
});

test('--faults FILE problems are named by the file and its keys (the scenario form it is written in)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'udsp-args-'));
  try {
    const file = path.join(dir, 'faults.yml');
    writeFileSync(file, 'toServer: { drop: true }\n');
    const options = parseProxyArgs([...base, '--faults', file]);
    if (options === 'help') throw new Error('help');
    let thrown: unknown;
    try {
      startProxy({ listen: path.join(dir, 'p'), connect: path.join(dir, 's'), type: options.type, toServer: options.toServer, toClient: options.toClient });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ProxyOptionsError);
    expect(proxyOptionsUsage(thrown as ProxyOptionsError, options).message).toBe(`--faults ${file}: toServer.drop: \`drop\` works on messages; a stream has none to drop (it cannot lose bytes) (on a stream use \`reset\` to end the connection, or \`chunk\` to split it)`);
    expect(() => parseProxyArgs([...base, '--faults', path.join(dir, 'missing.yml')])).toThrow(`--faults ${path.join(dir, 'missing.yml')}: cannot read it (ENOENT)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
