/**
 * The diagnostics bundle carries what support needs and no secret; secrets stay out of the
 * database and in owner-only files; the SecretStore takes an injectable cipher (Electron safeStorage).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { secretsPathFor } from '../../src-main/core/secrets.js';
import { createKiosk } from '../../src-main/kiosk.js';
import { backupDirFor, createBackup } from '../../src-main/ops/backups.js';
import { createOpsLogger, logDirFor } from '../../src-main/ops/logger.js';
import { createFileSecretStore, ensureOwnerOnly, safeStorageCipher, type SecretCipher } from '../../src-main/ops/secret-store.js';
import { cleanTempDirs, dbFingerprint, ok, tempDir, token } from './helpers.js';

afterEach(cleanTempDirs);

const KIOSK_SECRET = 'kiosk-enrolment-secret-0123456789abcdef';

function unzip(base64: string): Record<string, string> {
  const files = unzipSync(Buffer.from(base64, 'base64'));
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strFromU8(v)]));
}

describe('system.diagnostics', () => {
  it('has versions, health, integrity, audit verify, config, recent logs; and no secret of any kind', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'kiosk.db');
    const logger = createOpsLogger({ dir: logDirFor(dbPath) });
    const kiosk = await createKiosk({
      dbPath, seedDemo: true, kioskId: 'gate-7', serverUrl: 'http://support:hunter2@127.0.0.1:9/api?key=abc', kioskSecret: KIOSK_SECRET,
      log: logger.kioskLog, ops: { logger },
    });
    const supervisor = await token(kiosk, 'supervisor');
    const admin = await token(kiosk, 'admin');
    await ok(kiosk.call('backups.create', {}, admin));
    const ticketSecretB64 = Buffer.from(kiosk.ctx.ticketKey.secret).toString('base64');
    const secretsFileText = readFileSync(secretsPathFor(dbPath), 'utf8');
    // Log lines that try to leak (the logger redacts these on the way in)...
    logger.kioskLog('warn', `auth header Bearer ${supervisor}`, { pin: '2468', token: admin, ticketSecret: ticketSecretB64, vpa: 'ravi@okaxis' });
    // ...and an old, unredacted rolled log file (diagnostics redacts it again on the way out).
    writeFileSync(join(logDirFor(dbPath), 'kiosk.log.1'), `${JSON.stringify({ level: 'info', msg: `raw ${KIOSK_SECRET} ${ticketSecretB64} pay ravi.k@okaxis`, pin: '2468', token: supervisor })}\n`);

    const res = await ok(kiosk.call('system.diagnostics', {}, supervisor));
    expect(res.mimeType).toBe('application/zip');
    expect(res.fileName).toMatch(/^parkgate-diagnostics-gate-7-\d{8}T\d{6}Z\.zip$/);
    const files = unzip(res.base64);
    expect(Object.keys(files).sort()).toEqual([
      'README.txt', 'audit-verify.json', 'backups.json', 'config.json', 'database.json', 'health.json', 'integrity.json',
      'logs/kiosk.log', 'logs/kiosk.log.1', 'versions.json',
    ]);
    const versions = JSON.parse(files['versions.json']!);
    expect(versions).toMatchObject({ app: expect.any(String), node: process.versions.node, electron: null, sqlite: expect.stringMatching(/^3\./) });
    expect(JSON.parse(files['health.json']!)).toMatchObject({ db: 'ok', kioskId: 'gate-7' });
    expect(JSON.parse(files['integrity.json']!)).toEqual({ ok: true, findings: [] });
    expect(JSON.parse(files['audit-verify.json']!)).toMatchObject({ ok: true });
    expect(JSON.parse(files['backups.json']!).items).toHaveLength(1);
    const config = JSON.parse(files['config.json']!);
    expect(config).toMatchObject({ kioskId: 'gate-7', serverUrl: 'http://127.0.0.1:9/api', secrets: { ticketKeyFile: { present: true, mode: '600' }, kioskSecretConfigured: true } });
    expect(files['logs/kiosk.log']).toContain('[REDACTED]');

    // No secret anywhere in the bundle.
    const everything = Object.values(files).join('\n');
    const pinHashes = (kiosk.ctx.store.sqlite.prepare('SELECT pin_hash AS h FROM operators').all() as { h: string }[]).map((r) => r.h);
    const tokenHashes = (kiosk.ctx.store.sqlite.prepare('SELECT token_hash AS h FROM auth_tokens').all() as { h: string }[]).map((r) => r.h);
    expect(pinHashes.length).toBeGreaterThan(3);
    expect(tokenHashes.length).toBeGreaterThan(1);
    const forbidden = [
      secretsFileText, ticketSecretB64, Buffer.from(kiosk.ctx.ticketKey.secret).toString('hex'), KIOSK_SECRET, supervisor, admin,
      ...pinHashes, ...tokenHashes, 'hunter2', 'key=abc', 'ravi@okaxis', 'ravi.k@okaxis', '"pin":"2468"',
    ];
    for (const secret of forbidden) expect(everything, `bundle leaks ${secret.slice(0, 12)}…`).not.toContain(secret);
    // The raw zip bytes too (entries are deflated, so check the decompressed text above and the stored bytes here).
    expect(Buffer.from(res.base64, 'base64').includes(Buffer.from(KIOSK_SECRET))).toBe(false);

    // Supervisor and above only.
    const attendant = await token(kiosk, 'attendant');
    expect(await kiosk.call('system.diagnostics', {}, attendant)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    await kiosk.close();
    logger.close();
  });
});

describe('secrets', () => {
  it('the ticket-signing key file is 0600, the kiosk secret and the key are not in the database', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'kiosk.db');
    const kiosk = await createKiosk({ dbPath, seedDemo: true, kioskId: 'k1', serverUrl: 'http://127.0.0.1:9', kioskSecret: KIOSK_SECRET });
    const key = Buffer.from(kiosk.ctx.ticketKey.secret);
    await kiosk.close();
    expect(statSync(secretsPathFor(dbPath)).mode & 0o777).toBe(0o600);
    const db = readFileSync(dbPath);
    for (const needle of [Buffer.from(KIOSK_SECRET), key, Buffer.from(key.toString('base64')), Buffer.from(key.toString('hex'))]) {
      expect(db.includes(needle)).toBe(false);
    }
    // Nor in a backup of it.
    const made = await createBackup(dbPath);
    const copy = readFileSync(made.file);
    expect(copy.includes(Buffer.from(KIOSK_SECRET)) || copy.includes(Buffer.from(key.toString('base64')))).toBe(false);
  });

  it('a secrets file left readable by others is made owner-only at start', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'kiosk.db');
    await (await createKiosk({ dbPath })).close();
    chmodSync(secretsPathFor(dbPath), 0o644);
    const logs: string[] = [];
    await (await createKiosk({ dbPath, log: (_l, m) => logs.push(m) })).close();
    expect(statSync(secretsPathFor(dbPath)).mode & 0o777).toBe(0o600);
    expect(logs).toContain('the secrets file was readable by others; made it owner-only');
  });

  it('file SecretStore: 0600 files in a 0700 directory, plain text marked as such without a cipher', () => {
    const dir = join(tempDir(), 'secrets');
    const store = createFileSecretStore(dir);
    expect(store.get('kiosk-secret')).toBeNull();
    store.set('kiosk-secret', KIOSK_SECRET);
    expect(store.get('kiosk-secret')).toBe(KIOSK_SECRET);
    expect(store.encrypted()).toBe(false);
    const file = join(dir, 'kiosk-secret.secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toBe(`PGS1P:${KIOSK_SECRET}`);
    chmodSync(file, 0o644);
    expect(ensureOwnerOnly(file)).toBe(0o644);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    store.delete('kiosk-secret');
    expect(existsSync(file)).toBe(false);
    expect(() => store.set('../escape', 'x')).toThrow(/bad secret name/);
  });

  it('an injected cipher (the Electron safeStorage slot) encrypts at rest', () => {
    const dir = join(tempDir(), 'secrets');
    // A stand-in for safeStorage: reversible, and visibly not the plain text.
    const fakeSafeStorage = {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x5a)),
      decryptString: (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
    };
    const cipher: SecretCipher = safeStorageCipher(fakeSafeStorage);
    const store = createFileSecretStore(dir, cipher);
    store.set('kiosk-secret', KIOSK_SECRET);
    expect(store.encrypted()).toBe(true);
    const raw = readFileSync(join(dir, 'kiosk-secret.secret'));
    expect(raw.subarray(0, 6).toString()).toBe('PGS1E:');
    expect(raw.includes(Buffer.from(KIOSK_SECRET))).toBe(false);
    expect(store.get('kiosk-secret')).toBe(KIOSK_SECRET);
    // Linux basic_text is not real encryption: stored as (marked) plain text instead.
    const basic = createFileSecretStore(join(tempDir(), 's2'), safeStorageCipher({ ...fakeSafeStorage, getSelectedStorageBackend: () => 'basic_text' }));
    expect(basic.encrypted()).toBe(false);
    // Encrypted values cannot be read without the cipher.
    expect(() => createFileSecretStore(dir).get('kiosk-secret')).toThrow(/encrypted/);
  });
});

describe('CLI restore and diagnostics', () => {
  const cli = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli.ts', ...args], { encoding: 'utf8' });

  it('restore: refuses a tampered backup (exit 1, database untouched), restores a good one after a safety backup', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'kiosk.db');
    const kiosk = await createKiosk({ dbPath, seedDemo: true });
    const good = await createBackup(dbPath);
    await kiosk.close();
    const tampered = join(dir, 'tampered.db');
    writeFileSync(tampered, readFileSync(good.file));
    const Database = (await import('better-sqlite3')).default;
    const t = new Database(tampered);
    t.exec('DROP TRIGGER audit_no_update');
    t.prepare(`UPDATE audit_log SET at = at + 1 WHERE id = 3`).run();
    t.close();

    const before = dbFingerprint(dbPath);
    const refused = cli(['restore', '--from', tampered, '--db', dbPath]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/failed verification; nothing was changed/);
    expect(JSON.parse(refused.stdout)).toMatchObject({ restored: false });
    expect(dbFingerprint(dbPath)).toBe(before);

    const done = cli(['restore', '--from', good.file, '--db', dbPath]);
    expect(done.status, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ verified: true, safetyBackup: expect.stringMatching(/^pre-restore-/) });
    expect(existsSync(join(backupDirFor(dbPath), JSON.parse(done.stdout).safetyBackup))).toBe(true);
  });

  it('diagnostics --db --out writes the zip, owner-only', async () => {
    const dir = tempDir();
    const dbPath = join(dir, 'kiosk.db');
    await (await createKiosk({ dbPath, seedDemo: true })).close();
    const out = join(dir, 'support', 'diag.zip');
    const r = cli(['diagnostics', '--db', dbPath, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const files = unzipSync(readFileSync(out));
    expect(Object.keys(files)).toContain('integrity.json');
    expect(strFromU8(files['integrity.json']!)).toContain('"ok": true');
  });
});
