/**
 * Signed kiosk requests against the real server (buildServer on SQLite and PostgreSQL, listening
 * on loopback): a captured request is refused when replayed, also after a server restart; a request
 * dated more than 30 s ahead is refused as CLOCK_SKEW (and the kiosk's clock retry still gets
 * through); the past window stays 300 s; remembered request ids are pruned after the window.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ParkGateServer } from '../../src-server/app.js';
import { kioskSigningKey, signKioskRequest } from '../../src-shared/protocol/kiosk-signing.js';
import { ServerClient } from '../../src-main/online/server-client.js';
import { BACKENDS } from './helpers/databases.js';
import { startHarness, type Harness } from './helpers/harness.js';

describe.each(BACKENDS)('signed kiosk requests on %s', (backend) => {
  let h: Harness;
  let key: string;
  let url: string;
  beforeAll(async () => {
    h = await startHarness(backend, 'sim');
    key = kioskSigningKey(h.kiosk.secret);
    url = h.serverUrl;
  }, 60_000);
  afterAll(() => h?.close());

  const signed = (path: string, at: number, nonce?: string) => ({ 'x-kiosk-id': h.kiosk.id, ...signKioskRequest(key, 'GET', path, at, '', nonce) });
  const ping = async (headers: Record<string, string>) => {
    const res = await fetch(`${url}/kiosk/v1/ping`, { headers });
    return { status: res.status, body: (await res.json()) as { ok: boolean; error?: { code: string; message: string; details?: { reason?: string } } } };
  };

  it('a captured request replayed within the window is refused (REPLAY); a new request id passes', async () => {
    const captured = signed('/kiosk/v1/ping', h.clock.now());
    expect((await ping(captured)).status).toBe(200);
    const replay = await ping(captured);
    expect(replay.status).toBe(401);
    expect(replay.body.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'REPLAY' } });
    h.clock.advance(200_000); // still inside the 300 s window
    expect((await ping(captured)).body.error?.details?.reason).toBe('REPLAY');
    expect((await ping(signed('/kiosk/v1/ping', h.clock.now()))).status).toBe(200);
  });

  it('a request without a request id is refused', async () => {
    const { 'x-kiosk-nonce': _n, ...bare } = signed('/kiosk/v1/ping', h.clock.now()) as Record<string, string>;
    const r = await ping(bare);
    expect(r.status).toBe(401);
    expect(r.body.error?.details?.reason).toBe('NONCE_REQUIRED');
  });

  it('the server remembers request ids across a restart on the same database', async () => {
    const captured = signed('/kiosk/v1/ping', h.clock.now());
    expect((await ping(captured)).status).toBe(200);
    let second: ParkGateServer | null = null;
    const sdb = h.database.open();
    try {
      second = await buildServer({ config: h.server.ctx.config, db: sdb, clock: h.clock });
      await second.app.listen({ host: '127.0.0.1', port: 0 });
      const res = await fetch(`http://127.0.0.1:${(second.app.server.address() as AddressInfo).port}/kiosk/v1/ping`, { headers: captured });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { details: { reason: string } } }).error.details.reason).toBe('REPLAY');
    } finally {
      await second?.close();
      await sdb.close();
    }
  });

  it('dated more than 30 s ahead is CLOCK_SKEW (29 s passes); up to 300 s in the past passes', async () => {
    const now = h.clock.now();
    expect((await ping(signed('/kiosk/v1/ping', now + 29_000))).status).toBe(200);
    const ahead = await ping(signed('/kiosk/v1/ping', now + 31_000));
    expect(ahead.status).toBe(401);
    expect(ahead.body.error).toMatchObject({ message: expect.stringMatching(/clock/i), details: { reason: 'CLOCK_SKEW' } });
    expect((await ping(signed('/kiosk/v1/ping', now - 299_000))).status).toBe(200);
    expect((await ping(signed('/kiosk/v1/ping', now - 301_000))).body.error?.details?.reason).toBe('CLOCK_SKEW');
  });

  it('a kiosk whose clock runs 2 minutes fast still gets through by its clock retry', async () => {
    let offset = 0;
    const fast = new ServerClient({
      baseUrl: url, kioskId: h.kiosk.id, kioskSecret: h.kiosk.secret,
      now: () => h.clock.now() + 120_000, offset: () => offset, onOffset: (o) => { offset = o; },
    });
    expect((await fast.ping()).kioskId).toBe(h.kiosk.id);
    expect(offset).toBeLessThan(-100_000);
  });

  it('request ids are pruned once their window has passed', async () => {
    const count = async () => Number((await h.server.ctx.db.selectFrom('kiosk_nonces').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(await count()).toBeGreaterThan(0);
    h.clock.advance(301_000 + 30_000 + 29_000);
    expect((await ping(signed('/kiosk/v1/ping', h.clock.now()))).status).toBe(200);
    expect(await count()).toBe(1); // only the request just made
  });
});
