// `uds-fixture proxy`: the forwarding proxy standalone, between any two programs. Every event is
// printed as a line (socat -v style) and, with --capture, written as a JSON record (the form of a
// scenario's proxy events, src/proxy/record.ts): first `proxy-start`, last `proxy-stopped` with
// the counters. SIGINT/SIGTERM stop it: connections end, the listening path it bound is removed.
import { describeProxyEvent, ProxyOptionsError, proxyRecord, proxyStartRecord, proxyStoppedRecord, startProxy } from '../../proxy';
import type { Proxy, ProxyEvent } from '../../proxy';
import { CaptureFile } from '../capture-file';
import { proxyOptionsUsage } from '../proxy-args';
import { onStdoutClosed, stdoutClosed } from '../stdout';
import type { ProxyCommandOptions } from '../proxy-args';
import { EXIT } from '../usage-error';

const now = (): number => Number(process.hrtime.bigint());

export async function proxyCommand(options: ProxyCommandOptions): Promise<number> {
  const capture = options.capturePath !== undefined ? CaptureFile.create(options.capturePath) : undefined;
  onStdoutClosed(() => options.quiet || process.stderr.write('uds-fixture proxy: stdout was closed by its reader; forwarding on without printing events\n'));
  capture?.whenFailed((err) => process.stderr.write(`uds-fixture proxy: cannot write the capture file ${capture.path} (${err.code ?? err.message}); forwarding on without capturing\n`));
  const onEvent = (event: ProxyEvent) => {
    if (!options.quiet && !stdoutClosed()) process.stdout.write(describeProxyEvent(event) + '\n');
    // The native `stopped` carries no more than the proxy-stopped record written at the end.
    if (event.ev !== 'stopped') capture?.write(proxyRecord(event));
  };
  // The handlers are in place before the ready line is printed: a signal sent as soon as it is
  // read must stop the proxy, not kill the process with its socket file left behind.
  let proxy: Proxy | undefined;
  let signalled: NodeJS.Signals | undefined;
  const stopOn = (signal: NodeJS.Signals) => {
    process.stderr.write(`uds-fixture proxy: ${signal}, stopping\n`);
    signalled = signal;
    void proxy?.stop();
  };
  process.on('SIGINT', stopOn);
  process.on('SIGTERM', stopOn);
  const startedAt = now();
  // Every message is reported only where it is printed or written: with --quiet and no --capture
  // the proxy makes no event per message, and a stream may forward without copying its bytes.
  const perMessage = !options.quiet || capture !== undefined;
  try {
    proxy = startProxy({ listen: options.listen, connect: options.connect, type: options.type, ...(options.seed !== undefined ? { seed: options.seed } : {}), capture: perMessage, toServer: options.toServer, toClient: options.toClient, onEvent });
  } catch (err) {
    process.off('SIGINT', stopOn);
    process.off('SIGTERM', stopOn);
    await capture?.discard();
    if (err instanceof ProxyOptionsError) throw proxyOptionsUsage(err, options);
    throw err;
  }
  // Written before any event can be: the engine's events reach JavaScript on a later turn.
  capture?.write(proxyStartRecord(startedAt, proxy));
  if (signalled) void proxy.stop();
  process.stderr.write(`uds-fixture proxy: ${options.type} ${options.listen} → ${options.connect}, seed ${proxy.seed}; Ctrl-C stops\n`);
  const stopped = await proxy.stopped;
  process.off('SIGINT', stopOn);
  process.off('SIGTERM', stopOn);
  if (capture) {
    capture.write(proxyStoppedRecord(now(), stopped));
    await capture.close();
  }
  const { stats } = stopped;
  const zeroCopied = stats.zeroCopyBytes.toServer + stats.zeroCopyBytes.toClient;
  process.stderr.write(
    `uds-fixture proxy: stopped (seed ${stopped.seed}): ${stats.connections} connection(s), ${stats.messages.toServer} message(s) / ${stats.bytes.toServer} bytes to the server, ` +
      `${stats.messages.toClient} / ${stats.bytes.toClient} to the client${zeroCopied > 0 ? ` (${zeroCopied} bytes of them without a copy)` : ''}, ` +
      `${stats.fds.forwarded} of ${stats.fds.received} descriptor(s) forwarded, ${stats.faults} fault(s) injected` +
      `${stopped.removedListenPath ? '' : `; ${options.listen} was not removed (it is no longer the socket the proxy bound)`}` +
      `${capture && !capture.failure ? `; capture written to ${capture.path}` : ''}\n`,
  );
  let status: number = EXIT.passed;
  if (capture?.failure) {
    process.stderr.write(`uds-fixture proxy: the capture file ${capture.path} is incomplete: writing it failed (${capture.failure.code ?? capture.failure.message})\n`);
    status = EXIT.failed;
  }
  if (stats.fds.leaked !== 0) {
    process.stderr.write(`uds-fixture proxy: ${stats.fds.leaked} descriptor(s) not closed in the proxy (a bug: please report it)\n`);
    status = EXIT.failed;
  }
  return status;
}
