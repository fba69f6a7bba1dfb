/**
 * The lane simulator's own behaviour, which the driver and lane tests rely on: the arm moves over
 * time, a car cannot pass a closed barrier, a tailgate is two safety-loop cycles on one opening
 * with a gap the loops can see, and the pulse controller never closes onto a car.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startLaneSim, type LaneSim } from '../../src-sim/lane/sim.js';
import { sim, waitFor } from './helpers.js';

let s: LaneSim;

beforeAll(async () => {
  s = await startLaneSim({ modbusTcp: false, modbusRtu: false, relay: false, lane: { travelMs: 300, passMs: 300, closeDelayMs: 100, gapMs: 200 } });
});
afterEach(async () => {
  await sim(s.url, '/_sim/reset');
});
afterAll(async () => {
  await s.stop();
});

describe('lane simulator', () => {
  it('the arm takes travelMs to rise and reports rising on the way', async () => {
    const t0 = Date.now();
    s.lane.command('open', 'test');
    expect(s.lane.barrierState()).toBe('rising');
    expect(s.lane.barrierUp()).toBe(false);
    await waitFor('up', () => s.lane.barrierUp(), 2000, 5);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
  });

  it('a car cannot pass a closed barrier (409), and passing needs a waiting car', async () => {
    await expect(sim(s.url, '/_sim/pass')).rejects.toThrow(/409.*no car is waiting/);
    await sim(s.url, '/_sim/arrive');
    await expect(sim(s.url, '/_sim/pass')).rejects.toThrow(/409.*barrier is down/);
  });

  it('a tailgate is two passes on one opening, the safety loop free in between, the arming loop never', async () => {
    s.lane.command('open', 'test');
    await waitFor('up', () => s.lane.barrierUp(), 2000);
    const samples: { arming: boolean; safety: boolean }[] = [s.lane.inputs()];
    const t = setInterval(() => samples.push(s.lane.inputs()), 10);
    const state = (await sim(s.url, '/_sim/tailgate')) as { passes: number; tailgates: number; openings: number };
    clearInterval(t);
    expect(state).toMatchObject({ passes: 2, tailgates: 1, openings: 1 });
    const rising = samples.flatMap((x, i) => (i > 0 && x.safety && !samples[i - 1]!.safety ? [i] : []));
    expect(rising.length).toBe(2);
    // The second car sat on the arming loop the whole time the first one was passing.
    expect(samples.slice(rising[0], rising[1]).every((x) => x.arming)).toBe(true);
    // Between the two cars the safety loop was free for a while (the gap), so loops can count two.
    expect(samples.some((x, i) => i > 0 && !x.safety && samples.slice(0, i).some((y) => y.safety) && samples.slice(i).some((y) => y.safety))).toBe(true);
  });

  it('pulse mode: closes by itself after the car clears the safety loop, never while it is occupied', async () => {
    s.lane.command('open', 'test');
    await waitFor('up', () => s.lane.barrierUp(), 2000);
    s.lane.arrive();
    const passing = s.lane.pass(); // the car is on the safety loop from this call on
    expect(s.lane.inputs().safety).toBe(true);
    s.lane.command('close', 'test');
    // Refused on the spot: the car is on the safety loop.
    expect(s.lane.barrierState()).toBe('up');
    await passing;
    await waitFor('down after the car', () => s.lane.barrierState() === 'down', 3000);
    const st = (await sim(s.url, '/_sim/state')) as { history: { kind: string }[] };
    expect(st.history.some((h) => h.kind === 'close-held')).toBe(true);
  });
});
