/** How a scripted peer ends; the harness and the judge read these. */
export const PEER_EXIT = {
  /** every step completed */
  done: 0,
  /** a step failed; the `fail` event says why */
  failed: 1,
  /** the event channel is missing, or the harness closed it (the harness is gone) */
  channelLost: 2,
  /** the launch file is missing or unreadable */
  badLaunch: 3,
} as const;
