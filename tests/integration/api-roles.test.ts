/** Every API method x every role: allowed methods never answer FORBIDDEN, the others always do. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type ApiMethod } from '../../src-shared/contracts/api.js';
import { ROLES, roleAtLeast, type Role } from '../../src-shared/contracts/roles.js';
import { startHarness, type Harness } from './kiosk-harness.js';

let h: Harness;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  h = await startHarness();
  for (const role of ROLES) tokens[role] = await h.login(role.toLowerCase());
});
afterAll(() => h.close());

const methods = Object.keys(API) as ApiMethod[];

describe.each(ROLES)('role %s', (role) => {
  it.each(methods)('%s', async (method) => {
    const minimum = API[method].role;
    // An empty input: allowed calls fail validation or succeed, but never with FORBIDDEN.
    // auth.logout would end the shared token: it gets a token of its own.
    const token = method === 'auth.logout' ? await h.login(role.toLowerCase()) : tokens[role];
    const r = await h.post(method, {}, token);
    const allowed = minimum === null || roleAtLeast(role, minimum);
    if (allowed) {
      if (!r.json.ok) expect(r.json.error.code).not.toBe('FORBIDDEN');
    } else {
      expect(r.status).toBe(403);
      expect(r.json.error.code).toBe('FORBIDDEN');
    }
  });
});

describe('without a token', () => {
  it.each(methods)('%s', async (method) => {
    const r = await h.post(method, {}, null);
    if (API[method].role === null) {
      if (!r.json.ok) expect(r.json.error.code).not.toBe('UNAUTHENTICATED');
    } else {
      expect(r.status).toBe(401);
      expect(r.json.error.code).toBe('UNAUTHENTICATED');
    }
  });

  it('a made-up or logged-out token is UNAUTHENTICATED', async () => {
    expect((await h.post('zones.list', {}, 'made-up-token')).status).toBe(401);
    const t = await h.login('attendant');
    expect((await h.post('auth.logout', {}, t)).json.data).toEqual({ ok: true });
    expect((await h.post('zones.list', {}, t)).json.error.code).toBe('UNAUTHENTICATED');
  });
});

it('the role table matches API.md for the money and admin methods', () => {
  expect(API['gate.payCash'].role).toBe('CASHIER');
  expect(API['gate.startOnlinePayment'].role).toBe('CASHIER');
  expect(API['sessions.cancel'].role).toBe('SUPERVISOR');
  expect(API['payments.flagged'].role).toBe('SUPERVISOR');
  expect(API['payments.resolveFlagged'].role).toBe('SUPERVISOR');
  expect(API['operators.create'].role).toBe('ADMIN');
  expect(API['merchants.list'].role).toBe('CASHIER');
  for (const m of ['merchants.create', 'merchants.update', 'merchants.topUp', 'merchants.statement', 'validations.createProgram', 'validations.updateProgram',
    'validations.applyPreset', 'validations.report', 'reports.validations', 'reports.export'] as const) expect(API[m].role, m).toBe('SUPERVISOR');
  for (const m of ['validations.programs', 'validations.issueCode', 'validations.scan', 'validations.apply'] as const) expect(API[m].role, m).toBe('CASHIER');
  expect(API['validations.forSession'].role).toBe('ATTENDANT');
  expect(API['passes.reset'].role).toBe('SUPERVISOR');
  for (const m of ['passes.list', 'passes.sell', 'passes.renew', 'passes.code', 'passes.expiring'] as const) expect(API[m].role, m).toBe('CASHIER');
  for (const m of ['passes.enter', 'passes.exit'] as const) expect(API[m].role, m).toBe('ATTENDANT');
  expect(API['system.health'].role).toBeNull();
  expect(API['auth.login'].role).toBeNull();
});
