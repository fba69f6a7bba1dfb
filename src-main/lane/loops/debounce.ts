/**
 * Time-based debounce of one digital input: a new level counts only once every sample for
 * `debounceMs` has shown it. A detector relay that chatters (bounces for a few ms when a car
 * drives on, or flickers on a loop at the edge of its sensitivity) then yields one clean change,
 * not a burst of extra "cars".
 */
export class Debouncer {
  private stable: boolean | null = null;
  private candidate: boolean | null = null;
  private candidateSince = 0;

  constructor(private readonly debounceMs: number) {}

  get value(): boolean | null {
    return this.stable;
  }

  /** Feeds one sample taken at `now`; returns true when the debounced level changed. */
  sample(raw: boolean, now: number): boolean {
    if (this.stable === null) {
      // The first reading after (re)connecting is the truth: there is no earlier level to bounce from.
      this.stable = raw;
      this.candidate = null;
      return true;
    }
    if (raw === this.stable) {
      this.candidate = null;
      return false;
    }
    if (this.candidate !== raw) {
      this.candidate = raw;
      this.candidateSince = now;
    }
    if (now - this.candidateSince >= this.debounceMs) {
      this.stable = raw;
      this.candidate = null;
      return true;
    }
    return false;
  }
}
