import type { Scenario } from '../scenario/types';

/**
 * Why `scenario` cannot run on `platform`, or undefined when it can. macOS lacks AF_UNIX
 * SOCK_SEQPACKET and the abstract namespace, so scenarios that need them are skipped there
 * instead of failing on a syscall.
 */
export function skipReason(scenario: Scenario, platform: NodeJS.Platform = process.platform): string | undefined {
  if (!(scenario.platforms as string[]).includes(platform)) {
    return `platforms: [${scenario.platforms.join(', ')}] does not include ${platform}`;
  }
  if (platform === 'darwin' && scenario.socket.type === 'seqpacket') {
    return 'socket type seqpacket is not available on darwin (macOS has no AF_UNIX SOCK_SEQPACKET)';
  }
  if (platform !== 'linux' && scenario.socket.address === 'abstract') {
    return `address abstract is not available on ${platform} (the abstract namespace is Linux only)`;
  }
  return undefined;
}
