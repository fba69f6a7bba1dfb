/**
 * PhonePe's required status-poll schedule (payments.md), used for every gateway:
 * first at 20 s, then every 3 s for 30 s, every 6 s for 60 s, every 10 s for 60 s,
 * every 30 s for 60 s, then every minute until the deadline.
 */
const PHASES: ReadonlyArray<{ until: number; step: number }> = [
  { until: 50_000, step: 3_000 },
  { until: 110_000, step: 6_000 },
  { until: 170_000, step: 10_000 },
  { until: 230_000, step: 30_000 },
];
const FIRST = 20_000;
const TAIL_STEP = 60_000;

/** Milliseconds after creation of the first scheduled poll strictly after `elapsedMs`. */
export function nextPollOffset(elapsedMs: number): number {
  if (elapsedMs < FIRST) return FIRST;
  let at = FIRST;
  for (const phase of PHASES) {
    while (at < phase.until) {
      at += phase.step;
      if (at > elapsedMs) return at;
    }
  }
  return at + (Math.floor((elapsedMs - at) / TAIL_STEP) + 1) * TAIL_STEP;
}
