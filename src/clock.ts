/** Milliseconds since the epoch. Injectable so tests can drive retention and expiry. */
export type Clock = () => number

export const systemClock: Clock = () => Date.now()
