/**
 * PIN guessing and username enumeration against a real kiosk core behind its HTTP bridge:
 * escalating lockouts (5 min, 30 min, then a supervisor), operators.unlock, 6-digit PINs, and one
 * answer (and one time) for a known and an unknown name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './kiosk-harness.js';

let h: Harness;
let admin: string;
let supervisor: string;

const MIN = 60_000;
async function now(): Promise<number> {
  return Date.parse((await h.post('system.health')).json.data.now);
}
async function advance(ms: number): Promise<void> {
  await h.setClock(new Date((await now()) + ms).toISOString());
}
const tryPin = (username: string, pin: string) => h.post('auth.login', { username, pin });
async function createOp(username: string, pin: string, role = 'ATTENDANT'): Promise<string> {
  const r = await h.post('operators.create', { username, name: username, role, pin }, admin);
  expect(r.json.ok, JSON.stringify(r.json)).toBe(true);
  return r.json.data.id as string;
}

beforeAll(async () => {
  h = await startHarness();
  await h.setClock('2026-05-01T10:00:00.000Z');
  admin = await h.login('admin');
  supervisor = await h.login('supervisor');
});
afterAll(() => h.close());

describe('escalating PIN lockouts', () => {
  it('5 wrong PINs lock for 5 minutes, the next 5 for 30 minutes, the next 5 until a supervisor unlocks; tries left count down', async () => {
    const id = await createOp('guessme', '135790');
    const seen: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const r = await tryPin('guessme', '000000');
      expect(r.status).toBe(401);
      seen.push(r.json.error.details.triesLeft);
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    const t0 = await now();
    const lock1 = await tryPin('guessme', '135790'); // the right PIN while locked: still refused, the lock is shown
    expect(lock1.status).toBe(401);
    expect(lock1.json.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { triesLeft: 0, lockedUntil: new Date(t0 + 5 * MIN).toISOString() } });

    await advance(5 * MIN - 1000);
    expect((await tryPin('guessme', '135790')).json.error.details.triesLeft).toBe(0);
    await advance(2000);
    for (let i = 0; i < 5; i += 1) await tryPin('guessme', '111111');
    const t1 = await now();
    expect((await tryPin('guessme', '135790')).json.error.details).toEqual({ triesLeft: 0, lockedUntil: new Date(t1 + 30 * MIN).toISOString() });

    await advance(30 * MIN + 1000);
    expect((await tryPin('guessme', '222222')).json.error.details.triesLeft).toBe(4);
    for (let i = 0; i < 4; i += 1) await tryPin('guessme', '222222');
    await advance(7 * 24 * 60 * MIN); // a week later: still locked
    const forever = await tryPin('guessme', '135790');
    expect(forever.json.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { triesLeft: 0, supervisorUnlock: true } });

    admin = await h.login('admin');
    supervisor = await h.login('supervisor');
    const listed = (await h.post('operators.list', {}, supervisor)).json.data.find((o: { id: string }) => o.id === id);
    expect(listed).toMatchObject({ locked: true, needsUnlock: true, lockedUntil: null, failedAttempts: 0 });

    expect((await h.post('operators.unlock', { operatorId: id, reason: '' }, supervisor)).json.error.code).toBe('VALIDATION_FAILED');
    const attendant = await h.login('attendant');
    expect((await h.post('operators.unlock', { operatorId: id, reason: 'checked ID' }, attendant)).json.error.code).toBe('FORBIDDEN');
    const un = await h.post('operators.unlock', { operatorId: id, reason: 'checked ID at the booth' }, supervisor);
    expect(un.json.data).toMatchObject({ id, locked: false, needsUnlock: false, failedAttempts: 0 });
    expect((await h.post('operators.unlock', { operatorId: id, reason: 'again' }, supervisor)).json.error.code).toBe('CONFLICT');
    const audit = (await h.post('audit.list', { entityId: id }, supervisor)).json.data;
    expect(audit.find((a: { action: string }) => a.action === 'operator.unlocked')).toMatchObject({ details: expect.objectContaining({ reason: 'checked ID at the booth', untilSupervisor: true }) });
    expect((await tryPin('guessme', '135790')).json.ok).toBe(true);
  });

  it('a timed lock shows in operators.list; a good log-in resets the escalation', async () => {
    const id = await createOp('resetme', '2580');
    for (let i = 0; i < 5; i += 1) await tryPin('resetme', '0000');
    const t = await now();
    const row = (await h.post('operators.list', {}, supervisor)).json.data.find((o: { id: string }) => o.id === id);
    expect(row).toMatchObject({ locked: true, needsUnlock: false, lockedUntil: new Date(t + 5 * MIN).toISOString() });
    await advance(5 * MIN + 1);
    expect((await tryPin('resetme', '2580')).json.ok).toBe(true);
    for (let i = 0; i < 5; i += 1) await tryPin('resetme', '0000');
    const t2 = await now();
    // back to the first step (5 minutes), not the second
    expect((await tryPin('resetme', '2580')).json.error.details.lockedUntil).toBe(new Date(t2 + 5 * MIN).toISOString());
    await advance(5 * MIN + 1);
    admin = await h.login('admin');
    supervisor = await h.login('supervisor');
  });

  it('reaching "until a supervisor unlocks" ends the operator\'s open log-ins', async () => {
    await createOp('signedin', '4455');
    const token = await h.login('signedin', '4455');
    for (let round = 0; round < 3; round += 1) {
      for (let i = 0; i < 5; i += 1) await tryPin('signedin', '0000');
      if (round < 2) {
        expect((await h.post('auth.me', {}, token)).json.ok).toBe(true); // a timed lock leaves a working session alone
        await advance(31 * MIN);
      }
    }
    expect((await h.post('auth.me', {}, token)).json.error.code).toBe('UNAUTHENTICATED');
    admin = await h.login('admin');
    supervisor = await h.login('supervisor');
  });

  it('a supervisor cannot unlock an admin (nor themselves); an admin can', async () => {
    const id = await createOp('admin2', '97531', 'ADMIN');
    for (let i = 0; i < 5; i += 1) await tryPin('admin2', '00000');
    expect((await h.post('operators.unlock', { operatorId: id, reason: 'let me' }, supervisor)).json.error.code).toBe('FORBIDDEN');
    const me = (await h.post('auth.me', {}, supervisor)).json.data.id;
    expect((await h.post('operators.unlock', { operatorId: me, reason: 'self' }, supervisor)).json.error.code).toBe('FORBIDDEN');
    expect((await h.post('operators.unlock', { operatorId: id, reason: 'admin vouches' }, admin)).json.data.locked).toBe(false);
    expect((await tryPin('admin2', '97531')).json.ok).toBe(true);
  });

  it('6-digit PINs: set up, created, changed and used to log in', async () => {
    const fresh = await startHarness({ seedDemo: false });
    try {
      const setup = await fresh.post('auth.setup', { username: 'boss', name: 'Boss', pin: '123456' });
      expect(setup.json.ok).toBe(true);
      expect((await fresh.post('auth.login', { username: 'boss', pin: '123456' })).json.ok).toBe(true);
    } finally {
      await fresh.close();
    }
    const id = await createOp('sixer', '654321');
    expect((await tryPin('sixer', '654321')).json.ok).toBe(true);
    expect((await h.post('operators.update', { operatorId: id, pin: '112233' }, admin)).json.ok).toBe(true);
    expect((await tryPin('sixer', '112233')).json.ok).toBe(true);
  });
});

describe('username enumeration', () => {
  it('an unknown name, a wrong PIN and a locked name get equal answers, step by step', async () => {
    await createOp('realname', '8642');
    for (let i = 0; i < 7; i += 1) {
      const known = await tryPin('realname', '0000');
      const unknown = await tryPin('madeupname', '0000');
      expect(unknown.status).toBe(known.status);
      expect(unknown.json).toEqual(known.json); // the lock (tries 6 and 7) included
    }
    // The right PIN of a locked operator tells nothing more than a wrong one.
    expect((await tryPin('realname', '8642')).json).toEqual((await tryPin('madeupname', '8642')).json);
    await advance(5 * MIN + 1);
    admin = await h.login('admin');
  });

  it('a known and an unknown name take the same time (medians of interleaved tries within a factor of 2)', async () => {
    const names: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      names.push(`timed${i}`);
      await createOp(`timed${i}`, '1212');
    }
    const known: number[] = [];
    const unknown: number[] = [];
    const time = async (username: string) => {
      const t = performance.now();
      const r = await tryPin(username, '9999');
      expect(r.status).toBe(401);
      return performance.now() - t;
    };
    // 4 wrong PINs per operator (none is locked), interleaved with never-seen names, so machine
    // noise falls on both sides alike.
    for (let round = 0; round < 4; round += 1) {
      for (const n of names) {
        known.push(await time(n));
        unknown.push(await time(`ghost${round}x${n}`));
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const ratio = median(known) / median(unknown);
    expect(ratio, `known ${median(known).toFixed(1)} ms, unknown ${median(unknown).toFixed(1)} ms`).toBeGreaterThan(0.5);
    expect(ratio, `known ${median(known).toFixed(1)} ms, unknown ${median(unknown).toFixed(1)} ms`).toBeLessThan(2);
  }, 60_000);
});
