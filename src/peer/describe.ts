// Bytes as a person reads them in a failure message or timeline: text when printable, else hex,
// cut to a length that keeps one line readable.
export const PREVIEW_BYTES = 64;

export function describeBytes(bytes: Buffer, limit: number = PREVIEW_BYTES): string {
  const shown = bytes.subarray(0, limit);
  const more = bytes.length > limit ? `… (${bytes.length} bytes)` : '';
  const text = shown.toString('utf8');
  const printable = Buffer.from(text, 'utf8').equals(shown) && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/.test(text);
  return printable ? JSON.stringify(text) + more : `hex ${shown.toString('hex')}${more}`;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
