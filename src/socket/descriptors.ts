// Counting this process's open descriptors, to prove that nothing leaked.
import { readdirSync } from 'node:fs';

/** Open descriptors of this process (Linux /proc/self/fd, macOS /dev/fd), not counting the listing's own. */
export function openDescriptorCount(): number {
  const dir = process.platform === 'linux' ? '/proc/self/fd' : '/dev/fd';
  return readdirSync(dir).length - 1;
}
