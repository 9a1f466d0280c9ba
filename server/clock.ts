/** The time, injectable so tests can move past expiry dates and retry delays. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
