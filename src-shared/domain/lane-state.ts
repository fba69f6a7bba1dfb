/**
 * The lane state machine (DESIGN.md §5b): decides WHEN the barrier moves; the core decides WHY.
 * Pure: inputs (an open request with its cause, loop changes, device readiness, clock ticks) go in,
 * the new state and the outputs (raise, lower, events the lane service records and matches) come
 * out. No clock of its own: every input carries `at` from the injected clock.
 *
 * Timing boundaries (all deadlines are EXCLUSIVE: at exactly `deadline` the time is up, because
 * every input first runs the timers up to its own `at`, then is applied):
 * - a cause waits for a car on the arming loop while `at < waitFrom + carWaitMs`; a car arriving at
 *   exactly `waitFrom + carWaitMs` finds the cause expired. The wait starts when the cause reaches
 *   the head of the queue with the devices ready, and starts again if the devices drop meanwhile.
 * - a cause is kept at most until `requestedAt + pendingExpiryMs` (devices down, queue) then expires.
 * - a raised barrier with no car in the safety loop yet closes at `raisedAt + noCarCloseMs`
 *   (an opening with no car); if the safety loop is occupied then, it waits for it to clear.
 * - without a safety loop the barrier closes at `raisedAt + noCarCloseMs` whatever happened.
 * - the barrier-up feedback while the barrier is commanded down is "held up" at
 *   `upSince + heldUpMs` (reported once per episode).
 * - a pass that enters the safety loop within `tailgateWindowMs` after an opening closed
 *   (at < closedAt + tailgateWindowMs) is that opening's tailgater; later it is a pass with no opening.
 */

export const EXIT_BASES = ['PAID', 'ZERO_DUE', 'PASS', 'VALIDATION'] as const;
export type ExitBasis = (typeof EXIT_BASES)[number];

export type OpenCause =
  | { kind: 'ENTRY_ACCEPTED'; sessionId: string }
  | { kind: 'EXIT_ALLOWED'; sessionId: string; basis: ExitBasis }
  | { kind: 'MANUAL'; openingId: string };

export interface LaneRules {
  /** An arming (presence) loop before the barrier: it opens only while a car is on it. */
  hasArmingLoop: boolean;
  /** A safety (closing) loop after the barrier: it closes once the car cleared it, never on it. */
  hasSafetyLoop: boolean;
  carWaitMs: number;
  noCarCloseMs: number;
  pendingExpiryMs: number;
  heldUpMs: number;
  tailgateWindowMs: number;
}

export const DEFAULT_LANE_RULES: LaneRules = Object.freeze({
  hasArmingLoop: true,
  hasSafetyLoop: true,
  carWaitMs: 60_000,
  noCarCloseMs: 30_000,
  pendingExpiryMs: 30 * 60_000,
  heldUpMs: 60_000,
  tailgateWindowMs: 10_000,
});

export interface QueuedOpening {
  openingId: string;
  cause: OpenCause;
  requestedAt: number;
  /** When the wait for a car started (head of the queue, devices ready); null before. */
  waitFrom: number | null;
}

export interface RaisedOpening {
  openingId: string;
  cause: OpenCause;
  requestedAt: number;
  raisedAt: number;
  /** Cars that entered the safety loop (or, without one, crossed the arming loop) on this opening. */
  cars: number;
}

export interface LaneState {
  devicesReady: boolean;
  arming: boolean;
  safety: boolean;
  barrierUp: boolean | null;
  /** What the barrier was last told. */
  commanded: 'UP' | 'DOWN';
  current: RaisedOpening | null;
  queue: QueuedOpening[];
  /** A car reached the arming loop since the last car entered the safety loop. */
  armed: boolean;
  /** The car now in the safety loop and which opening it belongs to (decided when it entered). */
  inSafety: { enteredAt: number; openingId: string | null; match: PassMatch } | null;
  lastClosed: { openingId: string; at: number } | null;
  upWhileDownSince: number | null;
  heldUpReported: boolean;
  at: number;
}

/** MATCHED: the first car of an opening. TAILGATE: a further car on (or just after) one opening. NO_OPENING: a car with no opening at all (barrier held up or forced). */
export type PassMatch = 'MATCHED' | 'TAILGATE' | 'NO_OPENING';
export type CloseReason = 'CAR_PASSED' | 'NO_CAR';

export type LaneInput =
  /** requestedAt: when the core gave the cause (an opening restored after a restart keeps its own); default `at`. */
  | { type: 'OPEN'; openingId: string; cause: OpenCause; at: number; requestedAt?: number }
  | { type: 'LOOPS'; arming: boolean; safety: boolean; barrierUp?: boolean | null; at: number }
  | { type: 'DEVICES'; ready: boolean; at: number }
  | { type: 'TICK'; at: number };

export type LaneOutput =
  | { type: 'RAISE'; openingId: string }
  | { type: 'LOWER'; openingId: string | null }
  | { type: 'OPENED'; openingId: string; at: number }
  | { type: 'CLOSED'; openingId: string; at: number; reason: CloseReason; cars: number }
  | { type: 'EXPIRED'; openingId: string; at: number; reason: 'NO_CAR_ARRIVED' | 'PENDING_TOO_LONG' }
  | { type: 'PASS'; at: number; enteredAt: number; openingId: string | null; match: PassMatch }
  | { type: 'HELD_UP'; at: number; since: number }
  /** The devices dropped before any car used a raised opening: it waits again (the raise may never have reached the barrier). */
  | { type: 'REQUEUED'; openingId: string; at: number };

export function initialLaneState(at: number, loops?: { arming: boolean; safety: boolean; barrierUp: boolean | null }): LaneState {
  return {
    devicesReady: false,
    arming: loops?.arming ?? false,
    safety: loops?.safety ?? false,
    barrierUp: loops?.barrierUp ?? null,
    commanded: 'DOWN',
    current: null,
    queue: [],
    armed: loops?.arming ?? false,
    inSafety: null,
    lastClosed: null,
    upWhileDownSince: null,
    heldUpReported: false,
    at,
  };
}

export interface LaneStep {
  state: LaneState;
  outputs: LaneOutput[];
}

/** Runs the timers up to `input.at`, applies the input, then raises for the next cause if it may. */
export function laneStep(rules: LaneRules, prev: LaneState, input: LaneInput): LaneStep {
  const out: LaneOutput[] = [];
  // Time never runs backwards inside the machine: a late input is applied at the last known time.
  const at = Math.max(prev.at, input.at);
  let s: LaneState = { ...prev, queue: [...prev.queue], at };
  s = runTimers(rules, s, out);

  switch (input.type) {
    case 'OPEN':
      if (s.current?.openingId !== input.openingId && !s.queue.some((q) => q.openingId === input.openingId)) {
        s.queue.push({ openingId: input.openingId, cause: input.cause, requestedAt: input.requestedAt ?? at, waitFrom: null });
      }
      break;
    case 'DEVICES':
      s.devicesReady = input.ready;
      // The wait for a car only counts while the lane can actually open.
      if (!input.ready) {
        s.queue = s.queue.map((q) => ({ ...q, waitFrom: null }));
        const cur = s.current;
        if (cur && cur.cars === 0 && !s.inSafety) {
          s.queue.unshift({ openingId: cur.openingId, cause: cur.cause, requestedAt: cur.requestedAt, waitFrom: null });
          s = { ...s, current: null, commanded: 'DOWN' };
          out.push({ type: 'REQUEUED', openingId: cur.openingId, at });
        }
      }
      break;
    case 'LOOPS':
      s = applyLoops(rules, s, input, out);
      break;
    case 'TICK':
      break;
  }
  s = tryRaise(rules, s, out);
  return { state: s, outputs: out };
}

function close(s: LaneState, reason: CloseReason, out: LaneOutput[]): LaneState {
  const cur = s.current!;
  out.push({ type: 'LOWER', openingId: cur.openingId });
  out.push({ type: 'CLOSED', openingId: cur.openingId, at: s.at, reason, cars: cur.cars });
  return { ...s, current: null, commanded: 'DOWN', lastClosed: { openingId: cur.openingId, at: s.at } };
}

function runTimers(rules: LaneRules, s: LaneState, out: LaneOutput[]): LaneState {
  const at = s.at;
  // Causes kept too long (devices down, or stuck behind others).
  const kept: QueuedOpening[] = [];
  for (const q of s.queue) {
    if (at >= q.requestedAt + rules.pendingExpiryMs) out.push({ type: 'EXPIRED', openingId: q.openingId, at, reason: 'PENDING_TOO_LONG' });
    else kept.push(q);
  }
  s = { ...s, queue: kept };
  const head = s.queue[0];
  if (head && !s.current && head.waitFrom !== null && at >= head.waitFrom + rules.carWaitMs) {
    out.push({ type: 'EXPIRED', openingId: head.openingId, at, reason: 'NO_CAR_ARRIVED' });
    s = { ...s, queue: s.queue.slice(1) };
  }
  const cur = s.current;
  if (cur && at >= cur.raisedAt + rules.noCarCloseMs) {
    if (!rules.hasSafetyLoop) s = close(s, cur.cars > 0 ? 'CAR_PASSED' : 'NO_CAR', out);
    else if (cur.cars === 0 && !s.safety) s = close(s, 'NO_CAR', out);
  }
  if (s.upWhileDownSince !== null && !s.heldUpReported && at >= s.upWhileDownSince + rules.heldUpMs) {
    out.push({ type: 'HELD_UP', at, since: s.upWhileDownSince });
    s = { ...s, heldUpReported: true };
  }
  return s;
}

function matchFor(rules: LaneRules, s: LaneState): { openingId: string | null; match: PassMatch } {
  if (s.current) return { openingId: s.current.openingId, match: s.current.cars === 0 ? 'MATCHED' : 'TAILGATE' };
  if (s.lastClosed && s.at < s.lastClosed.at + rules.tailgateWindowMs) return { openingId: s.lastClosed.openingId, match: 'TAILGATE' };
  return { openingId: null, match: 'NO_OPENING' };
}

function applyLoops(rules: LaneRules, s: LaneState, input: Extract<LaneInput, { type: 'LOOPS' }>, out: LaneOutput[]): LaneState {
  const arming = rules.hasArmingLoop && input.arming;
  const safety = rules.hasSafetyLoop && input.safety;
  const armingRose = arming && !s.arming;
  const armingFell = !arming && s.arming;
  const safetyRose = safety && !s.safety;
  const safetyFell = !safety && s.safety;
  s = { ...s, arming, safety };
  if (input.barrierUp !== undefined) s.barrierUp = input.barrierUp;
  if (armingRose) s.armed = true;

  if (rules.hasSafetyLoop) {
    // A car is one that came over the arming loop first (where there is one) and then entered the safety loop.
    if (safetyRose && (s.armed || !rules.hasArmingLoop)) {
      const m = matchFor(rules, s);
      if (s.current) s.current = { ...s.current, cars: s.current.cars + 1 };
      s.inSafety = { enteredAt: s.at, openingId: m.openingId, match: m.match };
      s.armed = false;
    }
    if (safetyFell && s.inSafety) {
      out.push({ type: 'PASS', at: s.at, enteredAt: s.inSafety.enteredAt, openingId: s.inSafety.openingId, match: s.inSafety.match });
      s.inSafety = null;
      // A car has left both loops; whatever still stands on the arming loop is the next car
      // (bumper to bumper, the arming loop never went free between them).
      if (arming) s.armed = true;
      // The car cleared the safety loop: the barrier may come down (never while it is occupied).
      if (s.current && s.current.cars > 0) s = close(s, 'CAR_PASSED', out);
    }
  } else if (rules.hasArmingLoop && armingFell && s.armed) {
    // No safety loop: a car leaving the arming loop forwards is the only count there is.
    const m = matchFor(rules, s);
    if (s.current) s.current = { ...s.current, cars: s.current.cars + 1 };
    out.push({ type: 'PASS', at: s.at, enteredAt: s.at, openingId: m.openingId, match: m.match });
    s.armed = false;
  }

  // Barrier-up feedback while it should be down: the start of a possible "held up".
  if (s.barrierUp === true && s.commanded === 'DOWN') {
    if (s.upWhileDownSince === null) s = { ...s, upWhileDownSince: s.at, heldUpReported: false };
  } else if (s.upWhileDownSince !== null) {
    s = { ...s, upWhileDownSince: null, heldUpReported: false };
  }
  return s;
}

function tryRaise(rules: LaneRules, s: LaneState, out: LaneOutput[]): LaneState {
  if (s.current || !s.devicesReady) return s;
  const head = s.queue[0];
  if (!head) return s;
  if (rules.hasArmingLoop && !s.arming) {
    if (head.waitFrom === null) s = { ...s, queue: [{ ...head, waitFrom: s.at }, ...s.queue.slice(1)] };
    return s;
  }
  out.push({ type: 'RAISE', openingId: head.openingId });
  out.push({ type: 'OPENED', openingId: head.openingId, at: s.at });
  return {
    ...s,
    queue: s.queue.slice(1),
    commanded: 'UP',
    current: { openingId: head.openingId, cause: head.cause, requestedAt: head.requestedAt, raisedAt: s.at, cars: 0 },
    upWhileDownSince: null,
    heldUpReported: false,
  };
}

/** The earliest time at which a timer fires (the service schedules its next TICK there); null when none runs. */
export function nextDeadline(rules: LaneRules, s: LaneState): number | null {
  const times: number[] = s.queue.map((q) => q.requestedAt + rules.pendingExpiryMs);
  const head = s.queue[0];
  if (head && !s.current && head.waitFrom !== null) times.push(head.waitFrom + rules.carWaitMs);
  if (s.current) times.push(s.current.raisedAt + rules.noCarCloseMs);
  if (s.upWhileDownSince !== null && !s.heldUpReported) times.push(s.upWhileDownSince + rules.heldUpMs);
  const future = times.filter((t) => t > s.at);
  return future.length ? Math.min(...future) : null;
}

/**
 * The kiosk clock was set back (or forward) by `deltaMs` outside the lane's own flow of time:
 * every stored instant moves with it, so each running timer keeps the time it had left and the
 * records stay in the clock's new frame.
 */
export function shiftLaneTimes(s: LaneState, deltaMs: number): LaneState {
  const m = (t: number) => t + deltaMs;
  return {
    ...s,
    at: m(s.at),
    queue: s.queue.map((q) => ({ ...q, requestedAt: m(q.requestedAt), waitFrom: q.waitFrom === null ? null : m(q.waitFrom) })),
    current: s.current ? { ...s.current, requestedAt: m(s.current.requestedAt), raisedAt: m(s.current.raisedAt) } : null,
    inSafety: s.inSafety ? { ...s.inSafety, enteredAt: m(s.inSafety.enteredAt) } : null,
    lastClosed: s.lastClosed ? { ...s.lastClosed, at: m(s.lastClosed.at) } : null,
    upWhileDownSince: s.upWhileDownSince === null ? null : m(s.upWhileDownSince),
  };
}
