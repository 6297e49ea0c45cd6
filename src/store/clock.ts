/**
 * The time seam of the store and the server: every timestamp and every expiry check reads
 * a Clock, so that tests can move time (approval expiry) without waiting for it.
 */

/** Where "now" comes from. */
export interface Clock {
  now(): Date;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until told to move; for tests and simulations. */
export class ManualClock implements Clock {
  private current: number;

  /** Starts at `start`. Default 2030-01-01T00:00:00Z. */
  constructor(start: Date | string = '2030-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }

  /** Moves the clock forward by `minutes`. */
  advanceMinutes(minutes: number): void {
    this.advance(minutes * 60_000);
  }
}
