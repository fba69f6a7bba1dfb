/**
 * The server process as deployed (`npm run server`, `npm run server:cli`, SQLite file): binds
 * 127.0.0.1 unless HOST says otherwise, /metrics needs METRICS_TOKEN, server.db and its -wal/-shm
 * are 0600, kiosk signing keys and ticket secrets are encrypted at rest with SECRETS_KEY (rows
 * written before encryption are sealed at start), production refuses to start without the key.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServerDb } from '../../src-server/db/connect.js';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import { ServerClient } from '../../src-main/online/server-client.js';
import { kioskSigningKey, signKioskRequest } from '../../src-shared/protocol/kiosk-signing.js';
import { SECRETS, serverEnv } from './helpers/env.js';
import { spawn } from 'node:child_process';
import { freePort, runScript, startScript, type Proc } from './helpers/processes.js';

/** `npm run server` expected to exit by itself; killed (whole group) after 30 s if it starts instead. */
async function serverMustExit(e: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn('npm', ['run', '-s', 'server'], { env: { ...process.env, ...e }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return { code, out };
}

const KEY = 'Zm9yLXRlc3RzLW9ubHktMzItYnl0ZXMtb2Yta2V5ISE='; // base64 of 32 bytes
const OTHER_KEY = '00'.repeat(32);
const TICKET_SECRET = 'ticket-secret-value-0123456789abcdef';

const dir = mkdtempSync(join(tmpdir(), 'parkgate-hardening-'));
const dbFile = join(dir, 'server.db');
let port = 0;
let server: Proc | null = null;
let kiosk = { id: '', secret: '' };

function env(file: string, p: number, extra: Record<string, string> = {}): Record<string, string> {
  const e = serverEnv({ databaseUrl: file, gateway: 'sim', simUrl: 'http://127.0.0.1:9', port: p, extra: { SECRETS_KEY: KEY, ...extra } });
  delete (e as Record<string, string | undefined>).HOST; // the default is under test
  return e;
}

const canConnect = (host: string, p: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect({ host, port: p });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });

async function signedFetch(p: number, method: 'GET' | 'POST', path: string, body = '') {
  const headers = { 'x-kiosk-id': kiosk.id, ...signKioskRequest(kioskSigningKey(kiosk.secret), method, path, Date.now(), body), ...(body ? { 'content-type': 'application/json' } : {}) };
  const res = await fetch(`http://127.0.0.1:${p}${path}`, { method, headers, body: body || undefined });
  return { status: res.status, json: (await res.json()) as { ok: boolean; data?: any; error?: { code: string; message: string } } };
}

beforeAll(async () => {
  const add = await runScript('server:cli', ['kiosk', 'add', 'Gate 1'], env(dbFile, 0));
  expect(add.code, add.out).toBe(0);
  kiosk = { id: /kiosk id:\s+(\S+)/.exec(add.out)![1]!, secret: /kiosk secret:\s+(\S+)/.exec(add.out)![1]! };
  port = await freePort();
  server = await startScript('server', env(dbFile, port), /listening on http:\/\/127\.0\.0\.1:\d+/);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('server process hardening', () => {
  it('binds 127.0.0.1 by default (another loopback address is refused)', async () => {
    expect(await canConnect('127.0.0.1', port)).toBe(true);
    expect(await canConnect('127.0.0.2', port)).toBe(false);
  });

  it('/metrics needs the bearer token from METRICS_TOKEN', async () => {
    const url = `http://127.0.0.1:${port}/metrics`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${SECRETS.METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('parkgate_http_requests_total');
  });

  it('server.db and its -wal and -shm are 0600', async () => {
    expect((await signedFetch(port, 'GET', '/kiosk/v1/ping')).status).toBe(200);
    for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) {
      expect(existsSync(f), f).toBe(true);
      expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
    }
  });

  it('the kiosk signing key and a gate\'s ticket secret are not in the database files in plain text; the gates still get the secret', async () => {
    const push = await signedFetch(port, 'POST', '/sync/v1/push', JSON.stringify({ events: [], ticketKeys: [{ keyId: 'gate1-k1', secret: TICKET_SECRET }] }));
    expect(push.status, JSON.stringify(push.json)).toBe(200);
    const pull = await signedFetch(port, 'GET', '/sync/v1/pull?after=0&limit=100&wait=0');
    const entry = (pull.json.data.changes as { entityType: string; data: { secret: string } }[]).find((c) => c.entityType === 'ticketKey');
    expect(entry?.data.secret).toBe(TICKET_SECRET);
    const bytes = Buffer.concat([dbFile, `${dbFile}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    expect(bytes.includes(Buffer.from(kioskSigningKey(kiosk.secret)))).toBe(false);
    expect(bytes.includes(Buffer.from(TICKET_SECRET))).toBe(false);
    expect(bytes.includes(Buffer.from('enc:v1:'))).toBe(true);
  });

  it('a wrong SECRETS_KEY stops the start with a clear error', async () => {
    const r = await serverMustExit(env(dbFile, await freePort(), { SECRETS_KEY: OTHER_KEY }));
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/SECRETS_KEY/);
  }, 60_000);

  it('NODE_ENV=production without SECRETS_KEY refuses to start (exit 2) and says why', async () => {
    const e = env(join(dir, 'prod.db'), await freePort(), { NODE_ENV: 'production' });
    delete (e as Record<string, string | undefined>).SECRETS_KEY;
    const r = await serverMustExit(e);
    expect(r.code).toBe(2);
    expect(r.out).toContain('NODE_ENV=production needs SECRETS_KEY');
  }, 60_000);
});

describe('rows written before encryption at rest', () => {
  it('are encrypted at the next start, and the kiosk still authenticates', async () => {
    const file = join(dir, 'old.db');
    const signingKey = kioskSigningKey('an-old-kiosk-secret');
    const old = openServerDb(file);
    await migrateToLatest(old.db);
    await old.db.insertInto('kiosks').values({ id: 'old-kiosk', name: 'Old gate', signing_key: signingKey, created_at: 1, revoked_at: null }).execute();
    const raw = old.db as unknown as import('kysely').Kysely<any>;
    const ticket = JSON.stringify({ kind: 'ticketKey', keyId: 'old-k1', kioskId: 'old-kiosk', secret: TICKET_SECRET });
    await raw.insertInto('sync_entities').values({ entity_type: 'ticketKey', entity_id: 'old-k1', natural_key: 'old-kiosk', hlc: '', data: ticket, updated_at: 1 }).execute();
    await raw.insertInto('sync_changes').values({ seq: 1, entity_type: 'ticketKey', entity_id: 'old-k1', origin_kiosk_id: 'old-kiosk', data: ticket, created_at: 1 }).execute();
    await raw.updateTable('sync_counter').set({ seq: 1 }).execute();
    await old.close();

    const p = await freePort();
    const proc = await startScript('server', env(file, p), /listening on http:\/\/127\.0\.0\.1:\d+/);
    try {
      const client = new ServerClient({ baseUrl: `http://127.0.0.1:${p}`, kioskId: 'old-kiosk', kioskSecret: 'an-old-kiosk-secret' });
      expect((await client.ping()).kioskId).toBe('old-kiosk');
    } finally {
      await proc.stop();
    }
    const after = openServerDb(file);
    try {
      const k = await after.db.selectFrom('kiosks').select('signing_key').where('id', '=', 'old-kiosk').executeTakeFirstOrThrow();
      expect(k.signing_key.startsWith('enc:v1:')).toBe(true);
      const a = after.db as unknown as import('kysely').Kysely<any>;
      for (const t of ['sync_entities', 'sync_changes']) {
        const row = await a.selectFrom(t).select('data').where('entity_type', '=', 'ticketKey').executeTakeFirstOrThrow();
        expect(JSON.parse(row.data).secret.startsWith('enc:v1:'), t).toBe(true);
      }
    } finally {
      await after.close();
    }
  }, 120_000);
});
