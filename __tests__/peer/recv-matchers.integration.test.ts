// `recv` by shape (`match`, `contains`, `json`) and stream framing (`until`, `lengthPrefix`),
// through real peer processes on real sockets.
import { inWorld, SUCCEEDED, text, type PeerProcess, type StepSpec } from './helpers';
import type { PeerEvent } from '../../src/protocol/events';
import type { RecvMatcher, StreamFrame } from '../../src/scenario/types';

const recv = (extra: { matcher?: RecvMatcher; frame?: StreamFrame; payload?: ReturnType<typeof text> }): StepSpec => ({ step: 'recv', ...extra });
const until = (delimiter: string): StreamFrame => ({ kind: 'until', delimiter });

/** A server that runs `serverSteps` after accepting, and a client that sends `sent` in one write. */
async function exchange(sent: Buffer | string, serverSteps: StepSpec[], type: 'stream' | 'dgram' | 'seqpacket' = 'stream') {
  const payload = { kind: 'bytes' as const, base64: Buffer.from(sent).toString('base64'), source: 'base64' as const };
  let result: { outcome: Awaited<ReturnType<PeerProcess['outcome']>>; recvs: PeerEvent[] } | undefined;
  await inWorld(async (world) => {
    const connectionless = type === 'dgram';
    const [server, client] = world.startRelayed(
      [
        { id: 'server', steps: [...(connectionless ? [{ step: 'bind' as const }] : [{ step: 'listen' as const, backlog: 8 }, { step: 'accept' as const }]), ...serverSteps] },
        {
          id: 'client',
          steps: [
            { step: 'waitFor', peer: 'server', event: connectionless ? 'bind' : 'listen', count: 1 },
            ...(connectionless ? [] : [{ step: 'connect' as const }]),
            { step: 'send', payload },
          ],
        },
      ],
      type,
    );
    const outcome = await server!.outcome();
    await client!.outcome();
    result = { outcome, recvs: server!.named('recv') };
  });
  return result!;
}

describe('recv by shape and by frame', () => {
  it('reads up to a delimiter and keeps what follows queued for the next recv', async () => {
    const { outcome, recvs } = await exchange('OK 1\r\nOK 22\r\ntail', [
      recv({ frame: until('\r\n'), payload: text('OK 1\r\n') }),
      recv({ frame: until('\r\n'), matcher: { kind: 'match', regex: '^OK \\d{2}\\r\\n$' } }),
      recv({ payload: text('tail') }),
    ]);
    expect(outcome).toEqual(SUCCEEDED);
    expect(recvs.map((e) => e.data)).toEqual(['"OK 1\\r\\n"', '"OK 22\\r\\n"', '"tail"']);
  });

  it('reads length-prefixed messages (u32be and u16le)', async () => {
    const frame = (body: string, width: 'u32be' | 'u16le') => {
      const head = Buffer.alloc(width === 'u32be' ? 4 : 2);
      if (width === 'u32be') head.writeUInt32BE(body.length);
      else head.writeUInt16LE(body.length);
      return Buffer.concat([head, Buffer.from(body)]);
    };
    const { outcome, recvs } = await exchange(Buffer.concat([frame('{"ok":true,"n":[1,2]}', 'u32be'), frame('bye', 'u16le')]), [
      recv({ frame: { kind: 'lengthPrefix', prefix: 'u32be' }, matcher: { kind: 'json', value: { ok: true, n: [1, 2] } } }),
      recv({ frame: { kind: 'lengthPrefix', prefix: 'u16le' }, payload: text('bye') }),
    ]);
    expect(outcome).toEqual(SUCCEEDED);
    expect(recvs.map((e) => e.bytes)).toEqual([21, 3]);
  });

  it('judges one read with `contains` on a stream, and one message on a datagram socket', async () => {
    expect((await exchange('hello world', [recv({ matcher: { kind: 'contains', text: 'lo wo' } })])).outcome).toEqual(SUCCEEDED);
    expect((await exchange('{"a":{"b":1,"c":2}}', [recv({ matcher: { kind: 'json', value: { a: { b: 1 } } } })], 'dgram')).outcome).toEqual(SUCCEEDED);
  });

  it('fails `match` showing the regex and the text, both escaped (a CRLF in the regex too)', async () => {
    const { outcome } = await exchange('ERR 7\r\n', [recv({ frame: until('\r\n'), matcher: { kind: 'match', regex: '^OK \\d+\r\n' } })]);
    expect(outcome.code).toBe(1);
    expect(outcome.fails).toEqual([
      expect.objectContaining({ code: 'RECV_MISMATCH', expected: '/^OK \\d+\\r\\n/', got: '"ERR 7\\r\\n"', message: expect.stringContaining('does not match /^OK \\d+\\r\\n/; got "ERR 7\\r\\n"') }),
    ]);
  });

  it('fails `contains` saying how much of the text is there and where', async () => {
    const { outcome } = await exchange('status: reday\n', [recv({ frame: until('\n'), matcher: { kind: 'contains', text: 'ready' } })]);
    expect(outcome.fails).toEqual([
      expect.objectContaining({
        code: 'RECV_MISMATCH',
        expected: 'containing "ready"',
        got: '"status: reday\\n"',
        message: expect.stringContaining('its first 2 of 5 characters, "re", are at character 8'),
      }),
    ]);
  });

  it('fails `json` naming the path that differs, and text that is no JSON', async () => {
    const { outcome } = await exchange('{"ok":true,"items":[{"id":1},{"id":3}]}\n', [
      recv({ frame: until('\n'), matcher: { kind: 'json', value: { ok: true, items: [{ id: 1 }, { id: 2 }] } } }),
    ]);
    expect(outcome.fails[0]).toMatchObject({ code: 'RECV_MISMATCH', message: expect.stringContaining('differs at $.items[1].id: expected 2, got 3') });
    const broken = await exchange('{"ok":tru}\n', [recv({ frame: until('\n'), matcher: { kind: 'json', value: { ok: true } } })]);
    expect(broken.outcome.fails[0]).toMatchObject({ code: 'RECV_MISMATCH', message: expect.stringContaining('expected JSON but got text that is not') });
  });

  it('fails `until` when the stream ends before the delimiter, showing what came', async () => {
    let outcome: Awaited<ReturnType<PeerProcess['outcome']>> | undefined;
    await inWorld(async (world) => {
      const [server, client] = world.startRelayed([
        { id: 'server', steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, recv({ frame: until('\r\n') })] },
        { id: 'client', steps: [{ step: 'waitFor', peer: 'server', event: 'listen', count: 1 }, { step: 'connect' }, { step: 'send', payload: text('no end') }, { step: 'close', unlink: false }] },
      ]);
      await client!.outcome();
      outcome = await server!.outcome();
    });
    expect(outcome!.fails[0]).toMatchObject({
      code: 'RECV_MISMATCH',
      got: '"no end", then end-of-file',
      message: expect.stringContaining('ended the stream after 6 bytes without it'),
    });
  });

  it('fails an exact payload read with `until` at the first differing byte', async () => {
    const { outcome } = await exchange('PONG!\n', [recv({ frame: until('\n'), payload: text('PONG\n') })]);
    expect(outcome.fails[0]).toMatchObject({ code: 'RECV_MISMATCH', expected: '"PONG\\n"', got: '"PONG!\\n"', message: expect.stringContaining('differ at byte 4') });
  });
});

describe('recv into a short buffer (maxBytes, truncated)', () => {
  it('passes a datagram cut to 4 bytes when truncation is expected, comparing what fit', async () => {
    const { outcome, recvs } = await exchange('abcdefgh', [{ step: 'recv', maxBytes: 4, truncated: true, payload: text('abcd') }], 'dgram');
    expect(outcome).toEqual(SUCCEEDED);
    expect(recvs[0]).toMatchObject({ bytes: 4, data: '"abcd"' });
  });

  it('fails with TRUNCATION_MISMATCH when the message fit, or was cut when it must not be', async () => {
    const fit = await exchange('abcdefgh', [{ step: 'recv', maxBytes: 16, truncated: true }], 'dgram');
    expect(fit.outcome.fails[0]).toMatchObject({
      code: 'TRUNCATION_MISMATCH',
      message: 'recv expected a message longer than its 16-byte buffer (MSG_TRUNC), but it fit: 8 bytes, "abcdefgh"',
    });
    const cut = await exchange('abcdefgh', [{ step: 'recv', maxBytes: 2, truncated: false }], 'dgram');
    expect(cut.outcome.fails[0]).toMatchObject({ code: 'TRUNCATION_MISMATCH', expected: 'not truncated', got: 'truncated' });
  });
});

describe('captures', () => {
  const session = (server: StepSpec[], client: StepSpec[]) => {
    let result: { server: PeerEvent[]; client: PeerEvent[]; serverOutcome: Awaited<ReturnType<PeerProcess['outcome']>>; clientOutcome: Awaited<ReturnType<PeerProcess['outcome']>> } | undefined;
    return inWorld(async (world) => {
      const [s, c] = world.startRelayed([
        { id: 'server', steps: [{ step: 'listen', backlog: 8 }, { step: 'accept' }, ...server] },
        { id: 'client', steps: [{ step: 'waitFor', peer: 'server', event: 'listen', count: 1 }, { step: 'connect' }, ...client] },
      ]);
      const serverOutcome = await s!.outcome();
      const clientOutcome = await c!.outcome();
      result = { server: s!.events, client: c!.events, serverOutcome, clientOutcome };
    }).then(() => result!);
  };
  const use = (name: string, peer: string, step: number) => ({ name, peer, step, line: step + 3 });

  it('a named group captured by the client is used by the client and, through the relayed event, by the server', async () => {
    const r = await session(
      [
        { step: 'send', payload: text('SESSION 7f3a\n{"user":{"id":42}}\n') },
        { step: 'recv', frame: until('\n'), payload: text('ACK ${capture.sid} ${capture.uid}\n'), uses: [use('sid', 'client', 2), use('uid', 'client', 3)] },
      ],
      [
        recv({ frame: until('\n'), matcher: { kind: 'match', regex: '^SESSION (?<sid>\\w+)\\n$' } }),
        { step: 'recv', frame: until('\n'), matcher: { kind: 'json', value: {} }, capture: { uid: '$.user.id' } },
        { step: 'send', payload: text('ACK ${capture.sid} ${capture.uid}\n'), uses: [use('sid', 'client', 2), use('uid', 'client', 3)] },
      ],
    );
    expect(r.serverOutcome).toEqual(SUCCEEDED);
    expect(r.clientOutcome).toEqual(SUCCEEDED);
    expect(r.client.filter((e) => e.ev === 'recv').map((e) => e.captures)).toEqual([{ sid: '7f3a' }, { uid: '42' }]);
    expect(r.server.filter((e) => e.ev === 'recv').map((e) => e.data)).toEqual(['"ACK 7f3a 42\\n"']);
  });

  it('a capture that was never set fails naming the step that should have set it, on both peers', async () => {
    const r = await session(
      [
        { step: 'send', payload: text('SESSION\n') },
        { step: 'recv', frame: until('\n'), matcher: { kind: 'match', regex: '^ACK ${capture.sid}$' }, uses: [use('sid', 'client', 2)] },
      ],
      [
        recv({ frame: until('\n'), matcher: { kind: 'match', regex: '^SESSION(?: (?<sid>\\w+))?\\n$' } }),
        { step: 'send', payload: text('ACK ${capture.sid}\n'), uses: [use('sid', 'client', 2)] },
      ],
    );
    expect(r.clientOutcome.fails).toEqual([
      expect.objectContaining({ code: 'CAPTURE_UNSET', message: expect.stringContaining("${capture.sid} was never set: client's step 3 (recv, line 5) should have set it, but it ran but its match gave no value") }),
    ]);
    expect(r.serverOutcome.fails).toEqual([
      expect.objectContaining({ code: 'CAPTURE_UNSET', message: "${capture.sid} was never set: client's step 3 (recv, line 5) should have set it, but client ended without setting it" }),
    ]);
  });
});
