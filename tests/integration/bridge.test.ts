/** The loopback HTTP transport: status codes, hostile requests, events. */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './kiosk-harness.js';

let h: Harness;
let attendant: string;

beforeAll(async () => {
  h = await startHarness();
  attendant = await h.login('attendant');
});
afterAll(() => h.close());

const sessionCount = () => (h.kiosk.ctx.store.sqlite.prepare('SELECT COUNT(*) n FROM sessions').get() as { n: number }).n;

function rawRequest(path: string, opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer }) {
  return new Promise<{ status: number; body: string; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(`${h.bridge.url}${path}`, { method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

describe('HTTP bridge', () => {
  it('binds to 127.0.0.1', () => {
    expect(h.bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('an unknown method is 404 NOT_FOUND, even without a token', async () => {
    const r = await h.post('gate.teleport', {});
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('NOT_FOUND');
    expect((await h.post('__proto__', {})).status).toBe(404);
    expect((await h.post('constructor', {})).status).toBe(404);
  });

  it('non-JSON, non-object and oversized bodies are 400 and write nothing', async () => {
    const before = sessionCount();
    const auth = { Authorization: `Bearer ${attendant}` };
    for (const body of ['{not json', '[1,2]', '"text"', '42', 'null']) {
      const r = await h.post('gate.issueTicket', body, attendant);
      expect(r.status, body).toBe(400);
      expect(r.json.error.code).toBe('VALIDATION_FAILED');
    }
    const big = JSON.stringify({ vehicleNumber: 'KA01AB1234', ownerName: 'x'.repeat(70 * 1024) });
    const r = await rawRequest('/api/v1/gate.issueTicket', { headers: { ...auth, 'Content-Type': 'application/json' }, body: big });
    expect(r.status).toBe(400);
    expect(JSON.parse(r.body).error.code).toBe('VALIDATION_FAILED');
    const chunked = await rawRequest('/api/v1/gate.issueTicket', {
      headers: { ...auth, 'Transfer-Encoding': 'chunked' }, body: Buffer.alloc(80 * 1024, 0x41),
    });
    expect(chunked.status).toBe(400);
    const unknownField = await h.post('gate.issueTicket', { vehicleNumber: 'KA01AB1234', isAdmin: true }, attendant);
    expect(unknownField.json.error.code).toBe('VALIDATION_FAILED');
    const hugeString = await h.post('gate.issueTicket', { vehicleNumber: 'K'.repeat(10_000) }, attendant);
    expect(hugeString.json.error.code).toBe('VALIDATION_FAILED');
    expect(sessionCount()).toBe(before);
  });

  it('an empty body is treated as {}', async () => {
    const r = await rawRequest('/api/v1/system.health', {});
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).ok).toBe(true);
  });

  it('a foreign Origin or Host is refused with 403 and writes nothing', async () => {
    const before = sessionCount();
    const evil = await h.post('gate.issueTicket', { vehicleNumber: 'KA01EV1111' }, attendant, { Origin: 'http://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.json.error.code).toBe('FORBIDDEN');
    const rebinding = await rawRequest('/api/v1/system.health', { headers: { Host: 'evil.example:80' } });
    expect(rebinding.status).toBe(403);
    const own = await h.post('system.health', {}, null, { Origin: h.bridge.url });
    expect(own.status).toBe(200);
    expect(sessionCount()).toBe(before);
  });

  it('GET on an API method is 405; the UI placeholder is served with a CSP', async () => {
    const get = await rawRequest('/api/v1/system.health', { method: 'GET' });
    expect(get.status).toBe(405);
    const page = await rawRequest('/', { method: 'GET' });
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'none'");
    const traversal = await rawRequest('/../../etc/passwd', { method: 'GET' });
    expect(traversal.body).not.toContain('root:');
  });

  it('pushes events over server-sent events to a logged-in screen only', async () => {
    const denied = await fetch(`${h.bridge.url}/api/v1/events?token=nope`);
    expect(denied.status).toBe(401);
    const controller = new AbortController();
    const res = await fetch(`${h.bridge.url}/api/v1/events?token=${attendant}`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const issued = h.post('gate.issueTicket', { vehicleNumber: 'UP16SS1234' }, attendant);
    let text = '';
    while (!text.includes('session.changed')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const session = (await issued).json.data;
    expect(text).toContain(`"sessionId":"${session.id}"`);
    controller.abort();
  });
});
