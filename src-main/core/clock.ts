/** The one source of time for the core. Domain code never calls Date.now() itself. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * The clock behind `--fake-clock`: it follows the base clock until set, then stays at the set
 * instant until set again, so tests and demos see exact times.
 */
export class SettableClock implements Clock {
  private fixed: number | null = null;
  constructor(private readonly base: Clock = systemClock) {}
  now(): number {
    return this.fixed ?? this.base.now();
  }
  set(epochMs: number): void {
    this.fixed = epochMs;
  }
}
