// `uds-fixture timeline CAPTURE [--html FILE] [--mermaid FILE]`: a `uds-fixture proxy --capture`
// file drawn as the timeline a scenario's report has — the self-contained HTML page, the Mermaid
// diagram (on standard output when no file is named). The files are created, never replaced.

import { unlink, writeFile } from 'node:fs/promises';
import { captureToHtml } from '../../report/html';
import { timelineToMermaid } from '../../report/mermaid';
import { CaptureFormatError, readCapture } from '../../report/capture';
import { readUserFile } from '../../scenario/user-file';
import { EXIT, UsageError } from '../usage-error';

export interface TimelineCommandOptions {
  capture: string;
  html?: string;
  mermaid?: string;
}

/** A capture larger than this is not drawn: its page would be too long to read or open. */
export const MAX_CAPTURE_BYTES = 64 * 1024 * 1024;

async function readText(file: string): Promise<string> {
  const read = await readUserFile(file, MAX_CAPTURE_BYTES);
  if (read.ok) return read.bytes.toString('utf8');
  if (read.reason === 'too-large') {
    throw new UsageError(`${file} is ${read.size} bytes, more than the ${MAX_CAPTURE_BYTES} a timeline is drawn from; draw a part of it (its first line, proxy-start, must stay): head -n 5000 ${file} > part.jsonl`, 'timeline');
  }
  if (read.reason === 'not-regular') throw new UsageError(`${file} is ${read.kind}, not a capture file; give the file \`uds-fixture proxy --capture FILE\` wrote`, 'timeline');
  if (read.code === 'ENOENT') throw new UsageError(`${file} does not exist (ENOENT); give the file \`uds-fixture proxy --capture FILE\` wrote`, 'timeline');
  throw new UsageError(`cannot read ${file} (${read.code})`, 'timeline');
}

/** Creates `file` with `text`; one that exists is refused, never replaced. */
async function create(file: string, text: string, option: string): Promise<void> {
  try {
    await writeFile(file, text, { flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    const why = code === 'EEXIST' ? 'it exists, and is never replaced' : code === 'ENOENT' ? 'its directory does not exist' : code === 'EISDIR' ? 'it is a directory' : 'it cannot be written';
    throw new UsageError(`cannot create ${file} (${code}): ${why}; give ${option} another path`, 'timeline');
  }
}

export async function timelineCommand(opts: TimelineCommandOptions): Promise<number> {
  for (const [option, file] of [['--html', opts.html], ['--mermaid', opts.mermaid]] as const) {
    if (file !== undefined && file === opts.capture) throw new UsageError(`${option} ${file} is the capture itself; give ${option} another path`, 'timeline');
  }
  let capture;
  try {
    capture = readCapture(await readText(opts.capture), opts.capture);
  } catch (err) {
    if (err instanceof CaptureFormatError) throw new UsageError(err.message, 'timeline');
    throw err;
  }
  if (capture.cutLine !== undefined) process.stderr.write(`uds-fixture timeline: ${opts.capture}:${capture.cutLine}: the last line is cut in the middle (the proxy was killed while writing it); drawn without it\n`);
  else if (!capture.stopped) process.stderr.write(`uds-fixture timeline: ${opts.capture} ends without proxy-stopped: the proxy was killed, not stopped; drawn as far as it goes\n`);
  const mermaid = timelineToMermaid(capture.result, capture.cast);
  if (opts.html === undefined && opts.mermaid === undefined) {
    process.stdout.write(mermaid);
    return EXIT.passed;
  }
  if (opts.html !== undefined) await create(opts.html, captureToHtml(capture), '--html');
  if (opts.mermaid !== undefined) {
    try {
      await create(opts.mermaid, mermaid, '--mermaid');
    } catch (err) {
      // Both or neither: the page just created goes again (that one only).
      if (opts.html !== undefined) await unlink(opts.html).catch(() => undefined);
      throw err;
    }
  }
  const written = [opts.html, opts.mermaid].filter((f) => f !== undefined).join(' and ');
  process.stderr.write(`uds-fixture timeline: ${capture.result.timeline.length} records of ${opts.capture} drawn in ${written}\n`);
  return EXIT.passed;
}
