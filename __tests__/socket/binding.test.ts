// The addon's surface is what the TypeScript face reads, nothing more: an export nobody reads is
// code that can break unseen (a constructor exported without a descriptor closed fd 0 when it was
// collected; SUN_PATH_SIZE and trafficConstants were read by nothing).
import { binding } from '../../src/socket/binding';

test('the addon exports exactly the functions and constants the TypeScript face uses', () => {
  const addon = binding() as unknown as Record<string, unknown>;
  expect(Object.keys(addon).sort()).toEqual(['adopt', 'bufferSize', 'constants', 'exchange', 'fdReceive', 'fdSend', 'processGroupOf', 'socket', 'socketTypeOf', 'socketpair', 'startProxy', 'trafficFrame', 'trafficReceive', 'trafficSend']);
  expect(Object.keys(binding().constants).sort()).toEqual(['SHUT_RD', 'SHUT_RDWR', 'SHUT_WR', 'SOCK_DGRAM', 'SOCK_SEQPACKET', 'SOCK_STREAM']);
});
