/**
 * Reconnect delays for a lost device: quick at first (a cable re-seated is back in a second),
 * then doubling up to a ceiling, so a device left unplugged costs one attempt every two seconds
 * and is back within about two seconds of being plugged in again.
 */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly firstMs = 250,
    private readonly maxMs = 2000,
  ) {}

  next(): number {
    const ms = Math.min(this.maxMs, this.firstMs * 2 ** this.attempt);
    this.attempt = Math.min(this.attempt + 1, 30);
    return ms;
  }

  reset(): void {
    this.attempt = 0;
  }
}
