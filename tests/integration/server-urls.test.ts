/**
 * The central server's URL list in settings (setup wizard): several URLs in failover order are
 * stored normalised; a bad entry is VALIDATION_FAILED with a typed reason naming the entry (and a
 * message key the screens translate), and nothing is saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkServerUrls } from '../../src-shared/protocol/server-urls.js';
import { startHarness, type Harness } from './kiosk-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

describe('server URLs', () => {
  it('checkServerUrls: the list in order, or the first bad entry and why', () => {
    expect(checkServerUrls('https://a.example/, http://b.example:8080\nhttps://a.example')).toEqual({ ok: true, urls: ['https://a.example', 'http://b.example:8080'] });
    expect(checkServerUrls('https://a.example, ftp://b.example')).toEqual({ ok: false, problem: 'NOT_HTTP', entry: 'ftp://b.example', position: 2 });
    expect(checkServerUrls('parkgate.example')).toEqual({ ok: false, problem: 'NOT_A_URL', entry: 'parkgate.example', position: 1 });
    expect(checkServerUrls('https://u:p@a.example')).toMatchObject({ ok: false, problem: 'CREDENTIALS', position: 1 });
    expect(checkServerUrls(' ,\n ')).toMatchObject({ ok: false, problem: 'EMPTY' });
    expect(checkServerUrls(Array.from({ length: 9 }, (_, i) => `https://s${i}.example`).join(','))).toMatchObject({ ok: false, problem: 'TOO_MANY' });
  });

  it('settings.update stores several URLs in order; a bad one is a typed refusal and changes nothing', async () => {
    const admin = await h.login('admin');
    const bad = await h.post('settings.update', { serverUrl: 'https://pg1.example.com, pg2.example.com', kioskId: 'gate-1', kioskSecret: 'secret-from-enrolment' }, admin);
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('pg2.example.com'),
      details: { reason: 'BAD_SERVER_URL', problem: 'NOT_A_URL', entry: 'pg2.example.com', position: 2 },
    });
    expect((await h.post('settings.get', {}, admin)).json.data.serverUrl ?? null).toBeNull();
    const ok = await h.post('settings.update', { serverUrl: 'https://pg1.example.com/\nhttps://pg2.example.com', kioskId: 'gate-1', kioskSecret: 'secret-from-enrolment' }, admin);
    expect(ok.json.data.serverUrl).toBe('https://pg1.example.com,https://pg2.example.com');
  });
});
