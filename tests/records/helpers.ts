/**
 * Records tests: real kiosk and server processes (node --import tsx, own process group), a
 * tampering toolbox that edits a stopped kiosk's SQLite file directly (as an attacker with the
 * disk would), and an in-process sync server that anchors audit heads like the real one.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely } from 'kysely';
import { migrateToLatest } from '../../src-server/db/migrate.js';
import { auditKeyPathFor, secretsPathFor } from '../../src-main/core/secrets.js';
import { entryHash } from '../../src-main/services/audit.js';
import { auditFindings, listCheckpoints, recordCheckpoint } from '../../src-server/audit/checkpoints.js';
import { CachingSqliteDialect } from '../../src-server/db/sqlite-dialect.js';
import { SyncService } from '../../src-server/sync/service.js';
import type { AuditCheckpointsResponse } from '../../src-shared/contracts/audit-anchor.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export function tempDir(prefix = 'pg-records-'): { dir: string; cleanup(): void } {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(join(base, prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

// ------------------------------------------------------------------------------- processes

import { runNode } from '../helpers/node-process.js';
export { runNode, signalGroup as signal, startNode, type Proc } from '../helpers/node-process.js';

export interface DoctorResult {
  code: number | null;
  checks: string[];
  report: { integrity: { ok: boolean; findings: { check: string; message: string; ids: string[] }[] }; audit: { ok: boolean; message: string }; anchor: { source: string } };
}

export async function doctor(dbPath: string, args: string[] = []): Promise<DoctorResult> {
  const r = await runNode(['src-main/cli.ts', 'doctor', '--db', dbPath, ...args]);
  const start = r.stdout.indexOf('{');
  if (start < 0) throw new Error(`doctor printed no report (exit ${r.code}):\n${r.out}`);
  const report = JSON.parse(r.stdout.slice(start)) as DoctorResult['report'];
  return { code: r.code, checks: report.integrity.findings.map((f) => f.check), report };
}

export type ApiAnswer<T = unknown> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

export async function api<T = unknown>(url: string, method: string, input: unknown, token?: string): Promise<ApiAnswer<T>> {
  const res = await fetch(`${url}/api/v1/${method}`, {
    method: 'POST', body: JSON.stringify(input),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return (await res.json()) as ApiAnswer<T>;
}

export async function must<T = unknown>(url: string, method: string, input: unknown, token?: string): Promise<T> {
  const r = await api<T>(url, method, input, token);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.data;
}

// ------------------------------------------------------------------------------- tampering

/** Opens a stopped kiosk's database file the way an attacker would: no triggers in the way. */
export function openRaw(dbPath: string): Database.Database {
  const db = new Database(dbPath);
  db.pragma('busy_timeout = 5000');
  return db;
}

const AUDIT_TRIGGERS = ['audit_no_update', 'audit_no_delete'];

/** Runs fn with the audit triggers dropped, then re-creates them exactly as they were. */
export function withoutAuditTriggers(db: Database.Database, fn: () => void): void {
  const defs = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (${AUDIT_TRIGGERS.map(() => '?').join(',')})`)
    .all(...AUDIT_TRIGGERS) as { name: string; sql: string }[];
  for (const d of defs) db.exec(`DROP TRIGGER ${d.name}`);
  fn();
  for (const d of defs) db.exec(d.sql);
}

export interface AuditRowRaw {
  id: number; at: number; operator_id: string | null; action: string; entity_type: string; entity_id: string | null; details: string; prev_hash: string; hash: string;
}

/** The attacker's key: none (plain SHA-256, today's algorithm), or the kiosk's stolen audit key. */
export function stolenAuditKey(dbPath: string): { key: Uint8Array; keyedFrom: number } {
  const path = secretsPathFor(dbPath);
  const main = JSON.parse(readFileSync(path, 'utf8')) as { auditKey?: string; auditKeyedFrom?: number };
  const src = main.auditKey ? main : (JSON.parse(readFileSync(auditKeyPathFor(path), 'utf8')) as { auditKey: string; auditKeyedFrom: number });
  return { key: Buffer.from(src.auditKey!, 'base64'), keyedFrom: src.auditKeyedFrom! };
}

/** Recomputes every hash from entry `fromId` on (after an edit), with the given key or none. */
export function rehashFrom(db: Database.Database, fromId: number, key: { key: Uint8Array; keyedFrom: number } | null): number {
  const rows = db.prepare('SELECT * FROM audit_log WHERE id >= ? ORDER BY id').all(fromId) as AuditRowRaw[];
  const prevRow = db.prepare('SELECT hash FROM audit_log WHERE id = ?').get(fromId - 1) as { hash: string } | undefined;
  let prev = prevRow?.hash ?? rows[0]?.prev_hash ?? '0'.repeat(64);
  const upd = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?');
  for (const r of rows) {
    const { hash: _old, ...rest } = r;
    const row = { ...rest, prev_hash: prev };
    const h = entryHash(key, row);
    upd.run(prev, h, r.id);
    prev = h;
  }
  return rows.length;
}

// ------------------------------------------------------------------------------- in-process server

/** The sync service as the real server builds it (audit heads anchored), on in-memory SQLite. */
export async function anchoringServer(now: () => number): Promise<{ service: SyncService; db: Kysely<unknown>; checkpoints(kioskId: string): Promise<AuditCheckpointsResponse>; close(): Promise<void> }> {
  const sqlite = new Database(':memory:');
  const db = new Kysely<unknown>({ dialect: new CachingSqliteDialect(sqlite) });
  await migrateToLatest(db as never); // the sync tables and the checkpoints (9600) among them
  return {
    service: new SyncService({ db, now, anchor: recordCheckpoint }),
    db,
    checkpoints: async (kioskId) => ({ kioskId, checkpoints: await listCheckpoints(db, kioskId), findings: await auditFindings(db, kioskId) }),
    close: () => db.destroy(),
  };
}
