/** auth.tiles: the names for the touch login, without a token; active operators only, nothing secret. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './kiosk-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('auth.tiles', () => {
  it('lists active operators by name with username and name only; a deactivated one disappears', async () => {
    const r = await h.post('auth.tiles', {});
    expect(r.status).toBe(200);
    const ops = r.json.data.operators as { username: string; name: string }[];
    expect(ops.map((o) => o.username).sort()).toEqual(['admin', 'attendant', 'cashier', 'supervisor']);
    for (const o of ops) expect(Object.keys(o).sort()).toEqual(['name', 'username']);
    const admin = await h.login('admin');
    const list = (await h.post('operators.list', {}, admin)).json.data as { id: string; username: string }[];
    const attendant = list.find((o) => o.username === 'attendant')!;
    expect((await h.post('operators.update', { operatorId: attendant.id, isActive: false }, admin)).json.ok).toBe(true);
    const after = (await h.post('auth.tiles', {})).json.data.operators as { username: string }[];
    expect(after.map((o) => o.username)).not.toContain('attendant');
  });

  it('takes no input', async () => {
    expect((await h.post('auth.tiles', { username: 'x' })).json.error.code).toBe('VALIDATION_FAILED');
  });
});
