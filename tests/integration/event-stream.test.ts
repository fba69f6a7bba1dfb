/**
 * The kiosk's event stream (GET /api/v1/events, server-sent events) against the real kiosk process
 * (`npm run serve`): it ends at logout, when the operator is disabled or locked until a supervisor
 * unlocks, and concurrent streams are capped per log-in and in all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_STREAMS_PER_TOKEN, MAX_STREAMS_TOTAL } from '../../src-main/bridge/http-bridge.js';
import { startServe, type ServeHandle } from '../helpers/serve.js';

let k: ServeHandle;
let admin: string;
const open: AbortController[] = [];

interface Stream {
  status: number;
  body: unknown;
  /** Resolves with everything received once the kiosk ends the stream. */
  ended: Promise<string>;
  text(): string;
}

async function openStream(token: string): Promise<Stream> {
  const controller = new AbortController();
  open.push(controller);
  const res = await fetch(`${k.url}/api/v1/events?token=${encodeURIComponent(token)}`, { signal: controller.signal });
  if (res.status !== 200) return { status: res.status, body: await res.json(), ended: Promise.resolve(''), text: () => '' };
  let text = '';
  const reader = res.body!.getReader();
  const ended = (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return text;
      text += new TextDecoder().decode(value);
    }
  })().catch(() => text);
  return { status: 200, body: null, ended, text: () => text };
}

/** How long the kiosk may take to end a stream: generous for a loaded machine, and a stream left open still fails. */
const ENDS_WITHIN_MS = 20_000;

/** The stream ended by the kiosk within `ms`, or 'still open'. */
const endedWithin = (s: Stream, ms: number) =>
  Promise.race([s.ended, new Promise<string>((r) => setTimeout(() => r('still open'), ms))]);

async function newOperator(username: string, pin = '4321'): Promise<{ id: string; token: string }> {
  const op = await k.call<{ id: string }>('operators.create', { username, name: username, role: 'CASHIER', pin }, admin);
  return { id: op.id, token: await k.login(username, pin) };
}

beforeAll(async () => {
  k = await startServe();
  admin = await k.login('admin');
}, 180_000);
afterAll(async () => {
  for (const c of open) c.abort();
  await k?.stop();
});

describe('event stream', () => {
  it('ends at logout, and sends nothing after it', async () => {
    const { token } = await newOperator('sseout');
    const s = await openStream(token);
    expect(s.status).toBe(200);
    await k.call('auth.logout', {}, token);
    const text = await endedWithin(s, ENDS_WITHIN_MS);
    expect(text).toContain('event: end');
    expect(text).toContain('UNAUTHENTICATED');
  });

  it('ends when an admin disables the operator', async () => {
    const { id, token } = await newOperator('ssedisabled');
    const s = await openStream(token);
    await k.call('operators.update', { operatorId: id, isActive: false }, admin);
    expect(await endedWithin(s, ENDS_WITHIN_MS)).toContain('event: end');
  });

  it('ends when the operator is locked until a supervisor unlocks', async () => {
    const { token } = await newOperator('sselocked');
    const s = await openStream(token);
    for (let lock = 0; lock < 3; lock += 1) {
      for (let i = 0; i < 5; i += 1) await k.api('auth.login', { username: 'sselocked', pin: '0000' });
      if (lock < 2) {
        const now = Date.parse((await k.call<{ now: string }>('system.health')).now);
        await k.call('dev.setClock', { now: new Date(now + 31 * 60_000).toISOString() });
      }
    }
    expect(await endedWithin(s, ENDS_WITHIN_MS)).toContain('event: end');
    admin = await k.login('admin'); // the clock moved an hour
  });

  it(`caps streams at ${MAX_STREAMS_PER_TOKEN} per log-in and ${MAX_STREAMS_TOTAL} in all, with a clear refusal`, async () => {
    const { token } = await newOperator('ssecap');
    const mine: Stream[] = [];
    for (let i = 0; i < MAX_STREAMS_PER_TOKEN; i += 1) mine.push(await openStream(token));
    expect(mine.map((s) => s.status)).toEqual(Array(MAX_STREAMS_PER_TOKEN).fill(200));
    const refused = await openStream(token);
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', message: expect.stringContaining('event streams') } });

    const tokens = await Promise.all(Array.from({ length: Math.ceil(MAX_STREAMS_TOTAL / MAX_STREAMS_PER_TOKEN) + 1 }, () => k.login('attendant')));
    const statuses: number[] = [];
    for (const t of tokens) for (let i = 0; i < MAX_STREAMS_PER_TOKEN; i += 1) statuses.push((await openStream(t)).status);
    expect(statuses.filter((s) => s === 200).length).toBe(MAX_STREAMS_TOTAL - MAX_STREAMS_PER_TOKEN);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    // A closed stream frees its place.
    open[0]!.abort();
    for (const c of open.splice(0)) c.abort();
    await new Promise((r) => setTimeout(r, 300));
    expect((await openStream(token)).status).toBe(200);
  });
});
