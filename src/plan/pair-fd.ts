/** The descriptor number at which a peer inherits its socketpair end (address: pair). */
export const PAIR_FD = 4;
