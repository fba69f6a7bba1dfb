import { describe, expect, it } from 'vitest';
import {
  shiftLaneTimes, DEFAULT_LANE_RULES, initialLaneState, laneStep, nextDeadline, type LaneInput, type LaneOutput, type LaneRules, type LaneState, type OpenCause,
} from './lane-state.js';

const RULES: LaneRules = {
  hasArmingLoop: true, hasSafetyLoop: true, carWaitMs: 1000, noCarCloseMs: 2000, pendingExpiryMs: 10_000, heldUpMs: 3000, tailgateWindowMs: 500,
};
const ENTRY: OpenCause = { kind: 'ENTRY_ACCEPTED', sessionId: 's1' };

/** Feeds inputs one by one; returns the final state and every output with the input time it came from. */
function run(inputs: LaneInput[], rules: LaneRules = RULES, start: LaneState = ready(0)) {
  let state = start;
  const outputs: LaneOutput[] = [];
  for (const i of inputs) {
    const step = laneStep(rules, state, i);
    state = step.state;
    outputs.push(...step.outputs);
  }
  return { state, outputs, types: outputs.map((o) => o.type) };
}

function ready(at: number): LaneState {
  return laneStep(RULES, initialLaneState(at), { type: 'DEVICES', ready: true, at }).state;
}

const open = (at: number, openingId = 'o1', cause: OpenCause = ENTRY): LaneInput => ({ type: 'OPEN', openingId, cause, at });
const loops = (at: number, arming: boolean, safety: boolean, barrierUp?: boolean | null): LaneInput => ({ type: 'LOOPS', arming, safety, at, ...(barrierUp === undefined ? {} : { barrierUp }) });
const tick = (at: number): LaneInput => ({ type: 'TICK', at });
/** A car drives through: on the arming loop, into the safety loop, off the arming loop, out of the safety loop. */
const carThrough = (from: number): LaneInput[] => [loops(from, true, false), loops(from + 5, true, true), loops(from + 10, false, true), loops(from + 20, false, false)];

describe('lane state machine: opening', () => {
  it('never raises without a cause, even with a car on the arming loop', () => {
    const r = run([loops(0, true, false), tick(5000)]);
    expect(r.types).not.toContain('RAISE');
  });

  it('with an arming loop, a cause waits for a car and raises the moment one arrives', () => {
    const r = run([open(0), tick(500), loops(600, true, false)]);
    expect(r.outputs).toEqual([{ type: 'RAISE', openingId: 'o1' }, { type: 'OPENED', openingId: 'o1', at: 600 }]);
    expect(r.state.commanded).toBe('UP');
  });

  it('raises at once when the car is already on the arming loop', () => {
    const r = run([loops(0, true, false), open(10)]);
    expect(r.types).toEqual(['RAISE', 'OPENED']);
  });

  it('the car wait is exclusive at its deadline: a car at waitFrom + carWaitMs - 1 opens, at waitFrom + carWaitMs it does not', () => {
    expect(run([open(0), loops(999, true, false)]).types).toEqual(['RAISE', 'OPENED']);
    const late = run([open(0), loops(1000, true, false)]);
    expect(late.outputs).toEqual([{ type: 'EXPIRED', openingId: 'o1', at: 1000, reason: 'NO_CAR_ARRIVED' }]);
    expect(late.state.queue).toEqual([]);
  });

  it('a tick at the car-wait deadline expires the cause; one ms before it does not', () => {
    expect(run([open(0), tick(999)]).types).toEqual([]);
    expect(run([open(0), tick(1000)]).types).toEqual(['EXPIRED']);
  });

  it('without an arming loop, a cause raises at once', () => {
    const rules = { ...RULES, hasArmingLoop: false };
    const r = run([open(0)], rules, laneStep(rules, initialLaneState(0), { type: 'DEVICES', ready: true, at: 0 }).state);
    expect(r.types).toEqual(['RAISE', 'OPENED']);
  });

  it('the same opening asked twice is queued once', () => {
    const r = run([open(0), open(1), loops(2, true, false), ...carThrough(3), tick(5000)]);
    expect(r.types.filter((t) => t === 'RAISE')).toHaveLength(1);
  });

  it('a second cause waits behind the first and gets its own opening after the first car cleared', () => {
    const r = run([
      open(0, 'o1'), open(1, 'o2', { kind: 'EXIT_ALLOWED', sessionId: 's2', basis: 'PAID' }),
      loops(10, true, false), ...carThrough(20),
      loops(100, true, false),
    ]);
    expect(r.outputs.filter((o) => o.type === 'OPENED').map((o) => (o as { openingId: string }).openingId)).toEqual(['o1', 'o2']);
  });
});

describe('lane state machine: devices down', () => {
  it('does not raise while the devices are down, and raises when they return', () => {
    let s = initialLaneState(0);
    const r1 = run([open(0), loops(10, true, false)], RULES, s);
    expect(r1.types).toEqual([]);
    s = r1.state;
    const r2 = run([{ type: 'DEVICES', ready: true, at: 5000 }], RULES, s);
    expect(r2.types).toEqual(['RAISE', 'OPENED']);
  });

  it('the car wait starts again when the devices return (time down does not count)', () => {
    const r = run([open(0), tick(900), { type: 'DEVICES', ready: false, at: 950 }, { type: 'DEVICES', ready: true, at: 3000 }, tick(3999)]);
    expect(r.types).toEqual([]);
    expect(run([tick(4000)], RULES, r.state).types).toEqual(['EXPIRED']);
  });

  it('devices dropping before any car used a raised opening put it back at the head of the queue; it raises again when they return', () => {
    const up = run([loops(0, true, false), open(0)]).state;
    const down = run([{ type: 'DEVICES', ready: false, at: 100 }], RULES, up);
    expect(down.outputs).toEqual([{ type: 'REQUEUED', openingId: 'o1', at: 100 }]);
    expect(down.state.current).toBeNull();
    expect(run([{ type: 'DEVICES', ready: true, at: 200 }], RULES, down.state).types).toEqual(['RAISE', 'OPENED']);
  });

  it('an opening a car is already using stays raised when the devices drop', () => {
    const using = run([loops(0, true, false), open(0), loops(10, true, true)]).state;
    expect(run([{ type: 'DEVICES', ready: false, at: 100 }], RULES, using).types).toEqual([]);
  });

  it('an opening restored after a restart keeps its own request time for expiry', () => {
    const r = run([{ type: 'OPEN', openingId: 'o1', cause: ENTRY, at: 5000, requestedAt: 0 }, tick(9999)], RULES, initialLaneState(0));
    expect(r.types).toEqual([]);
    expect(run([tick(10_000)], RULES, r.state).types).toEqual(['EXPIRED']);
  });

  it('a cause is kept until requestedAt + pendingExpiryMs - 1 and expires at requestedAt + pendingExpiryMs', () => {
    const down = run([open(0)], RULES, initialLaneState(0)).state;
    expect(run([tick(9999)], RULES, down).types).toEqual([]);
    expect(run([tick(10_000)], RULES, down).outputs).toEqual([{ type: 'EXPIRED', openingId: 'o1', at: 10_000, reason: 'PENDING_TOO_LONG' }]);
  });
});

describe('lane state machine: closing', () => {
  it('closes when the car has cleared the safety loop, and counts one matched pass', () => {
    const r = run([open(0), ...carThrough(100)]);
    expect(r.outputs).toEqual([
      { type: 'RAISE', openingId: 'o1' },
      { type: 'OPENED', openingId: 'o1', at: 100 },
      { type: 'PASS', at: 120, enteredAt: 105, openingId: 'o1', match: 'MATCHED' },
      { type: 'LOWER', openingId: 'o1' },
      { type: 'CLOSED', openingId: 'o1', at: 120, reason: 'CAR_PASSED', cars: 1 },
    ]);
    expect(r.state.commanded).toBe('DOWN');
  });

  it('never closes while the safety loop is occupied, even past the no-car timeout', () => {
    const r = run([open(0), loops(0, true, false), loops(100, false, true), tick(50_000)]);
    expect(r.types).not.toContain('LOWER');
    const cleared = run([loops(50_001, false, false)], RULES, r.state);
    expect(cleared.types).toEqual(['PASS', 'LOWER', 'CLOSED']);
  });

  it('closes with no car at raisedAt + noCarCloseMs (exclusive), not one ms before', () => {
    const up = run([loops(0, true, false), open(100)]).state;
    expect(run([tick(2099)], RULES, up).types).toEqual([]);
    expect(run([tick(2100)], RULES, up).outputs).toEqual([
      { type: 'LOWER', openingId: 'o1' },
      { type: 'CLOSED', openingId: 'o1', at: 2100, reason: 'NO_CAR', cars: 0 },
    ]);
  });

  it('a no-car timeout that falls while something stands on the safety loop waits for it to clear', () => {
    // Something on the safety loop that never came over the arming loop is not a car, but the barrier still may not close on it.
    const up = run([loops(0, false, true), loops(5, true, true), open(5), tick(5000)]);
    expect(up.types).toEqual(['RAISE', 'OPENED']);
    const r = run([loops(5001, false, false), tick(5002)], RULES, up.state);
    expect(r.outputs).toContainEqual({ type: 'CLOSED', openingId: 'o1', at: 5002, reason: 'NO_CAR', cars: 0 });
  });

  it('without a safety loop it closes at raisedAt + noCarCloseMs, counting the car that left the arming loop', () => {
    const rules = { ...RULES, hasSafetyLoop: false };
    const start = laneStep(rules, initialLaneState(0), { type: 'DEVICES', ready: true, at: 0 }).state;
    const r = run([loops(0, true, false), open(0), loops(500, false, false), tick(1999)], rules, start);
    expect(r.outputs).toContainEqual({ type: 'PASS', at: 500, enteredAt: 500, openingId: 'o1', match: 'MATCHED' });
    expect(r.types).not.toContain('LOWER');
    expect(run([tick(2000)], rules, r.state).outputs).toContainEqual({ type: 'CLOSED', openingId: 'o1', at: 2000, reason: 'CAR_PASSED', cars: 1 });
  });
});

describe('lane state machine: matching cars to openings', () => {
  it('a second car in the safety loop during the same opening is a tailgate', () => {
    // Car 2 comes over the arming loop while car 1 is still in the safety loop; car 1 leaves, car 2 enters before the barrier is down.
    const r = run([
      open(0), loops(0, true, false), loops(10, true, true), loops(20, false, true), // car 1 under the barrier
      loops(30, true, true), // car 2 on the arming loop, car 1 still in the safety loop
      loops(40, true, false), // car 1 out: the barrier is lowered
      loops(200, false, true), loops(300, false, false), // car 2 through within the tailgate window of 500 ms
    ]);
    const passes = r.outputs.filter((o) => o.type === 'PASS');
    expect(passes).toEqual([
      { type: 'PASS', at: 40, enteredAt: 10, openingId: 'o1', match: 'MATCHED' },
      { type: 'PASS', at: 300, enteredAt: 200, openingId: 'o1', match: 'TAILGATE' },
    ]);
  });

  it('two cars bumper to bumper (the arming loop never free between them) are two passes: the second is a tailgate', () => {
    const r = run([
      open(0), loops(0, true, false), loops(10, true, true), // car 1 into the safety loop, car 2 right behind on the arming loop
      loops(100, true, false), // car 1 out; the arming loop is still occupied by car 2
      loops(200, true, true), loops(250, false, true), loops(300, false, false),
    ]);
    expect(r.outputs.filter((o) => o.type === 'PASS').map((o) => (o as { match: string }).match)).toEqual(['MATCHED', 'TAILGATE']);
  });

  it('the tailgate window is exclusive: entering at closedAt + window - 1 is a tailgate, at closedAt + window a pass with no opening', () => {
    const closed = run([open(0), ...carThrough(0), loops(100, true, false), loops(110, false, false)]).state; // closed at 20, car 2 armed
    expect(run([loops(519, false, true), loops(600, false, false)], RULES, closed).outputs[0]).toMatchObject({ match: 'TAILGATE', openingId: 'o1' });
    expect(run([loops(520, false, true), loops(600, false, false)], RULES, closed).outputs[0]).toMatchObject({ match: 'NO_OPENING', openingId: null });
  });

  it('a car through with no opening at all is a pass with no opening', () => {
    const r = run(carThrough(0));
    expect(r.outputs).toEqual([{ type: 'PASS', at: 20, enteredAt: 5, openingId: null, match: 'NO_OPENING' }]);
  });

  it('something on the safety loop that never crossed the arming loop is not counted', () => {
    expect(run([loops(0, false, true), loops(10, false, false)]).types).toEqual([]);
  });

  it('without an arming loop, every safety-loop occupancy is a car', () => {
    const rules = { ...RULES, hasArmingLoop: false };
    const r = run([loops(0, false, true), loops(10, false, false)], rules);
    expect(r.outputs).toEqual([{ type: 'PASS', at: 10, enteredAt: 0, openingId: null, match: 'NO_OPENING' }]);
  });
});

describe('lane state machine: barrier held up', () => {
  it('reports the barrier up while commanded down at upSince + heldUpMs (exclusive), once', () => {
    const s = run([loops(100, false, false, true)]).state;
    expect(run([tick(3099)], RULES, s).types).toEqual([]);
    const r = run([tick(3100), tick(9000)], RULES, s);
    expect(r.outputs).toEqual([{ type: 'HELD_UP', at: 3100, since: 100 }]);
  });

  it('the barrier up on an opening is not held up; the episode resets when it comes down', () => {
    const up = run([loops(0, true, false, false), open(0), loops(10, true, false, true), tick(9000)]);
    expect(up.types).not.toContain('HELD_UP');
    const s = run([loops(100, false, false, true), loops(200, false, false, false), tick(10_000)]).state;
    expect(s.upWhileDownSince).toBeNull();
  });
});

describe('lane state machine: clock and deadlines', () => {
  it('an input stamped earlier than the last one is applied at the last known time', () => {
    const r = run([open(0), tick(500), loops(100, true, false)]);
    expect(r.outputs).toContainEqual({ type: 'OPENED', openingId: 'o1', at: 500 });
  });

  it('shifting the clock keeps each timer\'s remaining time', () => {
    const waiting = run([open(0), tick(400)]).state; // 600 ms of the car wait left
    const moved = shiftLaneTimes(waiting, -100_000);
    expect(run([tick(-100_000 + 599)], RULES, moved).types).toEqual([]);
    expect(run([tick(-100_000 + 1000)], RULES, moved).types).toEqual(['EXPIRED']);
  });

  it('nextDeadline names the earliest pending timer and nothing when idle', () => {
    expect(nextDeadline(RULES, ready(0))).toBeNull();
    const waiting = run([open(0)]).state;
    expect(nextDeadline(RULES, waiting)).toBe(1000);
    const up = run([loops(0, true, false), open(50)]).state;
    expect(nextDeadline(RULES, up)).toBe(2050);
  });

  it('defaults are sane: a car has a minute to come, the barrier waits 30 s for a car', () => {
    expect(DEFAULT_LANE_RULES.carWaitMs).toBe(60_000);
    expect(DEFAULT_LANE_RULES.noCarCloseMs).toBe(30_000);
  });
});
