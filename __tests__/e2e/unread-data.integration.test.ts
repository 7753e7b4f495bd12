// Bytes a scripted peer never read when it closes a connection (`unreadData:`), end to end:
// real peers, the judge, the policy.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runScenario } from '../../src/pipeline/run-scenario';
import type { ScenarioInput } from '../../src/scenario/types';
import { repoRoot } from '../helpers/child-script';

const ready = existsSync(path.join(repoRoot, 'dist', 'peer.cjs')) && existsSync(path.join(repoRoot, 'build', 'Release', 'uds_fixture.node'));
const describeBuilt = ready ? describe : describe.skip;
// macOS has no AF_UNIX SOCK_SEQPACKET (README: platform differences).
const itSeqpacket = process.platform === 'linux' ? it : it.skip;

let base: string;
beforeEach(() => {
  base = mkdtempSync('/tmp/udsf-unread-');
});
afterEach(() => {
  const left = readdirSync(base);
  rmSync(base, { recursive: true, force: true });
  expect(left).toEqual([]);
});

/** The client sends "pong!" in one write; the server reads "pong" and closes. */
function pongBang(extra: Partial<ScenarioInput> = {}, socket: 'stream' | 'seqpacket' = 'stream'): ScenarioInput {
  return {
    name: 'the server leaves a byte unread',
    socket,
    server: { steps: ['listen', 'accept', { recv: socket === 'stream' ? { text: 'pong' } : { text: 'pong!' } }, ...(socket === 'stream' ? [] : [{ recv: null }]), 'close'] },
    client: { steps: ['connect', { send: { text: 'pong!' } }, ...(socket === 'stream' ? [] : [{ send: { text: 'more' } }]), { recv: { eof: true } }, 'close'] },
    ...extra,
  };
}

describeBuilt('unread data', () => {
  it('fails by default, naming the peer, the count and the first bytes', async () => {
    const result = await runScenario(pongBang(), { tmpBase: base, timeout: 20_000 });
    expect(result.passed).toBe(false);
    expect(result.failures).toEqual([
      expect.objectContaining({
        code: 'UNREAD_DATA',
        peer: 'server',
        step: { name: 'close', index: 3 },
        message: expect.stringContaining('server closed connection #1 with 1 byte it never read, starting "!" (unreadData: fail)'),
      }),
    ]);
  });

  it('warns with `unreadData: warn` and says nothing with `ignore`', async () => {
    const warned = await runScenario(pongBang({ expect: { unreadData: 'warn' } }), { tmpBase: base, timeout: 20_000 });
    expect(warned.passed).toBe(true);
    expect(warned.warnings).toEqual([expect.objectContaining({ code: 'UNREAD_DATA', message: expect.stringContaining('1 byte it never read') })]);
    const ignored = await runScenario(pongBang({ expect: { unreadData: 'ignore' } }), { tmpBase: base, timeout: 20_000 });
    expect(ignored.passed).toBe(true);
    expect(ignored.warnings.filter((w) => w.code === 'UNREAD_DATA')).toEqual([]);
  });

  it('counts what an `until` read queued past its delimiter, at the end of the steps', async () => {
    const result = await runScenario(
      {
        name: 'two lines sent, one read',
        server: { steps: ['listen', 'accept', { recv: { until: '\n', text: 'one\n' } }] },
        client: { steps: ['connect', { send: { text: 'one\ntwo\n' } }, { recv: { eof: true } }, 'close'] },
      },
      { tmpBase: base, timeout: 20_000 },
    );
    expect(result.failures).toEqual([expect.objectContaining({ code: 'UNREAD_DATA', peer: 'server', message: expect.stringContaining('4 bytes it never read, starting "two\\n"') })]);
  });

  itSeqpacket('counts whole messages left on a seqpacket connection', async () => {
    const result = await runScenario(pongBang({}, 'seqpacket'), { tmpBase: base, timeout: 20_000 });
    expect(result.failures).toEqual([]);
    const left = await runScenario(
      {
        name: 'seqpacket message never read',
        socket: 'seqpacket',
        // Both messages are sent before the server closes, so "bc" is queued, not refused.
        server: { steps: ['listen', 'accept', { recv: { text: 'a' } }, { waitFor: { peer: 'client', event: 'send', count: 2 } }, 'close'] },
        client: { steps: ['connect', { send: { text: 'a' } }, { send: { text: 'bc' } }, { recv: { eof: true } }, 'close'] },
      },
      { tmpBase: base, timeout: 20_000 },
    );
    expect(left.failures).toEqual([expect.objectContaining({ code: 'UNREAD_DATA', message: expect.stringContaining('2 bytes it never read, starting "bc"') })]);
  });
});
