/**
 * The kiosk's one signed client for the central server (src-main/online/signed-client.ts) against
 * a real HTTP peer: a refusal with details.reason CLOCK_SKEW is retried once with the offset the
 * server's clock gives; a refusal that only SAYS "clock" in its message is not retried.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CentralServerError, SignedClient } from '../../src-main/online/signed-client.js';

type Answer = { status: number; body: unknown; serverTime?: number };

async function peer(answers: Answer[]): Promise<{ url: string; seen: { ts: number }[]; close(): Promise<void> }> {
  const seen: { ts: number }[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ ts: Number(req.headers['x-kiosk-timestamp']) });
    const a = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    res.writeHead(a.status, { 'content-type': 'application/json', ...(a.serverTime ? { 'x-server-time': String(a.serverTime) } : {}) });
    res.end(JSON.stringify(a.body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise((r) => server.close(() => r())) };
}

const refused = (details?: unknown) => ({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'Kiosk clock is too far from the server clock.', ...(details ? { details } : {}) } });
const KIOSK_NOW = 1_700_000_000_000;
const SERVER_NOW = KIOSK_NOW + 3_600_000;

describe('signed client: clock refusal', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => close?.());

  function client(url: string, offsets: number[]) {
    let offset = 0;
    return new SignedClient({
      baseUrl: url, kioskId: 'k1', kioskSecret: 'secret-secret-secret', now: () => KIOSK_NOW,
      offset: () => offset, onOffset: (ms) => { offset = ms; offsets.push(ms); },
    });
  }

  it('details.reason CLOCK_SKEW: retried once, signed with the server clock', async () => {
    const p = await peer([{ status: 401, body: refused({ reason: 'CLOCK_SKEW' }), serverTime: SERVER_NOW }, { status: 200, body: { ok: true, data: { fine: 1 } } }]);
    close = p.close;
    const offsets: number[] = [];
    expect(await client(p.url, offsets).request('GET', '/kiosk/v1/ping', undefined, { timeoutMs: 5000 })).toEqual({ fine: 1 });
    expect(offsets).toEqual([3_600_000]);
    expect(p.seen.map((s) => s.ts)).toEqual([KIOSK_NOW, SERVER_NOW]);
  });

  it('the same message without the reason: not retried, the refusal comes back typed', async () => {
    const p = await peer([{ status: 401, body: refused(), serverTime: SERVER_NOW }, { status: 200, body: { ok: true, data: {} } }]);
    close = p.close;
    const offsets: number[] = [];
    const err = await client(p.url, offsets).request('GET', '/kiosk/v1/ping', undefined, { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CentralServerError);
    expect(err).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    expect(p.seen).toHaveLength(1);
    expect(offsets).toEqual([]);
  });

  it('CLOCK_SKEW twice: one retry only', async () => {
    const p = await peer([{ status: 401, body: refused({ reason: 'CLOCK_SKEW' }), serverTime: SERVER_NOW }]);
    close = p.close;
    const err = await client(p.url, []).request('POST', '/sync/v1/push', { events: [] }, { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 401, details: { reason: 'CLOCK_SKEW' } });
    expect(p.seen).toHaveLength(2);
  });
});
