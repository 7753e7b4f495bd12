import type { UnixAddress } from '../socket';

/** An address as events and messages show it: the path, or `@name` for an abstract one. */
export function showAddress(address: UnixAddress | undefined): string | undefined {
  if (address === undefined) return undefined;
  return typeof address === 'string' ? address : `@${address.abstract}`;
}

/** An address as a scenario (and an event) writes it: `@name` is abstract, anything else a path. */
export function parseAddress(text: string): UnixAddress {
  return text.startsWith('@') ? { abstract: text.slice(1) } : text;
}

export function sameAddress(a: UnixAddress | undefined, b: UnixAddress | undefined): boolean {
  return showAddress(a) === showAddress(b);
}
