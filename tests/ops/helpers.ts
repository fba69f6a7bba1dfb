/** Shared set-up for the ops tests: temp kiosks, a fast 100k-session generator, file hashes. */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kiosk } from '../../src-main/kiosk.js';

const dirs: string[] = [];
export function tempDir(prefix = 'parkgate-ops-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}
export function cleanTempDirs(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Hash of the database as it is on disk, WAL included (what "untouched" means). */
export function dbFingerprint(dbPath: string): string {
  return [dbPath, `${dbPath}-wal`].filter(existsSync).map(sha256).join(':');
}

export async function token(kiosk: Kiosk, username: string, pin = '2468'): Promise<string> {
  const r = await kiosk.call('auth.login', { username, pin });
  if (!r.ok) throw new Error(`login ${username}: ${JSON.stringify(r)}`);
  return r.data.token;
}

export async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: unknown }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.data;
}

/**
 * Raw prepared INSERTs into the real (migrated) schema: `count` completed sessions over 1,000
 * vehicles, consistent with every integrity check (nothing due, nothing paid, exit after entry).
 */
export function generateSessions(dbPath: string, kioskId: string, count: number): void {
  const db = new Database(dbPath);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const zone = db.prepare('SELECT id FROM zones ORDER BY position LIMIT 1').get() as { id: string };
    const slot = db.prepare('SELECT id FROM slots WHERE zone_id = ? ORDER BY position LIMIT 1').get(zone.id) as { id: string };
    const t0 = Date.UTC(2025, 0, 1);
    const insertVehicle = db.prepare('INSERT INTO vehicles (id, vehicle_number, owner_name, created_at, updated_at) VALUES (?, ?, NULL, ?, ?)');
    const insertSession = db.prepare(
      `INSERT INTO sessions (id, code, vehicle_id, zone_id, slot_id, status, booked_at, entry_at, exit_at, amount_due_paise,
         amount_paid_paise, origin_kiosk_id, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'COMPLETED', ?, ?, ?, 0, 0, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (let v = 0; v < 1000; v += 1) insertVehicle.run(`gen-v${v}`, `GEN${String(v).padStart(5, '0')}`, t0, t0);
      for (let i = 0; i < count; i += 1) {
        const at = t0 + i * 60_000;
        insertSession.run(`gen-s${i}`, `GENCODE${i}`, `gen-v${i % 1000}`, zone.id, slot.id, at, at, at + 30 * 60_000, kioskId, at, at + 30 * 60_000);
      }
    })();
  } finally {
    db.close();
  }
}
