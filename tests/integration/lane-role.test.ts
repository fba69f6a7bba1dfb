/** settings.laneRole: a supervisor chooses it, the core checks role and value, and it is audited. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './kiosk-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('settings.laneRole', () => {
  it('is BOTH until a supervisor sets it; a cashier may not; a bad value changes nothing', async () => {
    const cashier = await h.login('cashier');
    const supervisor = await h.login('supervisor');
    expect((await h.post('settings.get', {}, cashier)).json.data.laneRole).toBe('BOTH');
    const denied = await h.post('settings.update', { laneRole: 'EXIT' }, cashier);
    expect(denied.status).toBe(403);
    expect((await h.post('settings.update', { laneRole: 'SIDEWAYS' }, supervisor)).json.error.code).toBe('VALIDATION_FAILED');
    expect((await h.post('settings.get', {}, cashier)).json.data.laneRole).toBe('BOTH');
    const ok = await h.post('settings.update', { laneRole: 'EXIT' }, supervisor);
    expect(ok.json.data.laneRole).toBe('EXIT');
    expect((await h.post('settings.get', {}, cashier)).json.data.laneRole).toBe('EXIT');
    const row = h.kiosk.ctx.store.sqlite.prepare("SELECT COUNT(*) n FROM audit_log WHERE action = 'settings.updated' AND details LIKE '%laneRole%'").get();
    expect(row).toEqual({ n: 1 });
  });
});
