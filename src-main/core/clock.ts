/** The one source of time for the core. Domain code never calls Date.now() itself. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests and `--fake-clock` can move; it keeps ticking from the last value set. */
export class SettableClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): number {
    return this.base.now() + this.offsetMs;
  }
  set(epochMs: number): void {
    this.offsetMs = epochMs - this.base.now();
  }
}
