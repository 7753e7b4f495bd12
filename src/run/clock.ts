/** The system monotonic clock in ns, the clock of the event channel (see src/protocol/events.ts). */
export function monotonicNs(): number {
  // ns since boot stays below 2^53 for about 104 days of uptime; past that the last bits round,
  // which merging a timeline tolerates.
  return Number(process.hrtime.bigint());
}
