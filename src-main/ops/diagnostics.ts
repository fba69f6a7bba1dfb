/**
 * The diagnostics bundle for support: one zip with versions, system.health,
 * integrity.check, audit.verify, database facts, backups, configuration WITHOUT secrets, and the
 * most recent log files, redacted again on the way out. Before the zip is made every entry is
 * scrubbed of every known secret value (ticket-signing key, kiosk secret, the secrets file's
 * content, operators' PIN hashes, session token hashes) and then checked: a bundle that still
 * contains one is never returned.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { arch, platform, release } from 'node:os';
import { basename, join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { z } from 'zod';
import { secretsPathFor } from '../core/secrets.js';
import type { ServiceContext } from '../services/context.js';
import { integrityCheck } from '../services/integrity.js';
import { aggregate, allRows, countRow } from '../store/raw-rows.js';
import { VERSION } from '../version.js';
import { listBackups, pendingRestore } from './backups.js';
import { REDACTED, Redactor, isSensitiveKey } from './redact.js';
import type { OpsRuntime } from './runtime.js';
import { fileMode, secretsDirFor } from './secret-store.js';

/** Newest log files first, at most this many bytes in all (each file's tail when it is larger). */
const LOG_BUDGET_BYTES = 8 * 1024 * 1024;
const ENV_WHITELIST = ['PARKGATE_LOG_LEVEL', 'PARKGATE_PORT', 'PARKGATE_DB', 'PARKGATE_SERVER_URL', 'PARKGATE_BACKUP_INTERVAL_MINUTES', 'PARKGATE_BACKUP_KEEP', 'NODE_ENV'];
const ENV_SECRET_NAMES = ['PARKGATE_KIOSK_SECRET', 'KIOSK_ADMIN_PIN'];

export function sanitizeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  // Several server URLs (failover list): each is cleaned the same way.
  return url.split(',').map((one) => {
    try {
      const u = new URL(one.trim());
      return `${u.protocol}//${u.host}${u.pathname}`;
    } catch {
      return '[unparseable]';
    }
  }).join(',');
}

function logFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .filter((f) => /\.log(\.\d+)?$/.test(f))
    .map((f) => ({ f, n: Number(/\.log\.(\d+)$/.exec(f)?.[1] ?? 0), m: statSync(join(dir, f)).mtimeMs }));
  files.sort((a, b) => a.n - b.n || b.m - a.m);
  return files.map((x) => x.f);
}

function readTail(file: string, max: number): string {
  const buf = readFileSync(file);
  if (buf.length <= max) return buf.toString('utf8');
  const tail = buf.subarray(buf.length - max).toString('utf8');
  return tail.slice(tail.indexOf('\n') + 1); // whole lines only
}

/** Secret values that must never be in a bundle. */
function knownSecrets(ctx: ServiceContext, runtime: OpsRuntime): string[] {
  const values = new Set<string>(runtime.redactor.secrets());
  const key = Buffer.from(ctx.ticketKey.secret);
  for (const v of [key.toString('base64'), key.toString('hex'), key.toString('base64url')]) values.add(v);
  const secretsFile = secretsPathFor(runtime.dbPath);
  if (existsSync(secretsFile)) {
    const raw = readFileSync(secretsFile, 'utf8');
    values.add(raw.trim());
    try {
      for (const v of Object.values(JSON.parse(raw) as Record<string, unknown>)) if (typeof v === 'string' && v.length >= 16) values.add(v);
    } catch {
      /* not JSON: the raw text is enough */
    }
  }
  const { q, db } = ctx.store;
  for (const r of q.all(db.selectFrom('operators').select('pin_hash'))) values.add(r.pin_hash);
  for (const r of q.all(db.selectFrom('auth_tokens').select('token_hash'))) values.add(r.token_hash);
  return [...values].filter((v) => v.length >= 6);
}

const NAME_ROW = z.object({ name: z.string() });

function tableCounts(ctx: ServiceContext): Record<string, number> {
  const sqlite = ctx.store.sqlite;
  const tables = allRows(sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`), NAME_ROW);
  const out: Record<string, number> = {};
  for (const { name } of tables) out[name] = aggregate(sqlite.prepare(`SELECT COUNT(*) AS n FROM "${name.replace(/"/g, '""')}"`), countRow).n;
  return out;
}

function redactedRows(rows: { key: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(rows.map((r) => [r.key, isSensitiveKey(r.key) ? REDACTED : r.value]));
}

export interface DiagnosticsBundle {
  fileName: string;
  mimeType: 'application/zip';
  base64: string;
  bytes: number;
  entries: string[];
}

export function collectDiagnostics(ctx: ServiceContext, runtime: OpsRuntime, health: unknown): Record<string, string> {
  const sqlite = ctx.store.sqlite;
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  const settings = (() => {
    try {
      return redactedRows(ctx.store.q.all(ctx.store.db.selectFrom('settings').select(['key', 'value']).orderBy('key')));
    } catch {
      return {};
    }
  })();
  const secretsFile = secretsPathFor(runtime.dbPath);
  const entries: Record<string, string> = {
    'README.txt':
      'ParkGate kiosk diagnostics bundle. Contains no PINs, PIN hashes, tokens, secrets or full UPI addresses.\n' +
      'versions.json, health.json, integrity.json (integrity.check), audit-verify.json (audit.verify),\n' +
      'database.json, backups.json, config.json (no secrets), logs/ (recent, redacted).\n',
    'versions.json': json({
      app: VERSION,
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      chrome: process.versions.chrome ?? null,
      sqlite: aggregate(sqlite.prepare('SELECT sqlite_version() AS v'), z.object({ v: z.string() })).v,
      platform: platform(),
      arch: arch(),
      osRelease: release(),
      uptimeSeconds: Math.round(process.uptime()),
      generatedAt: new Date().toISOString(),
    }),
    'health.json': json(health),
    'integrity.json': json(integrityCheck(ctx)),
    'audit-verify.json': json(ctx.audit.verify()),
    'database.json': json({
      file: basename(runtime.dbPath),
      bytes: existsSync(runtime.dbPath) ? statSync(runtime.dbPath).size : null,
      walBytes: existsSync(`${runtime.dbPath}-wal`) ? statSync(`${runtime.dbPath}-wal`).size : null,
      journalMode: sqlite.pragma('journal_mode', { simple: true }),
      pageSize: sqlite.pragma('page_size', { simple: true }),
      pageCount: sqlite.pragma('page_count', { simple: true }),
      quickCheck: sqlite.pragma('quick_check', { simple: true }),
      migrations: allRows(sqlite.prepare('SELECT name, timestamp FROM kysely_migration ORDER BY name'), z.object({ name: z.string(), timestamp: z.string() })),
      tables: tableCounts(ctx),
    }),
    'backups.json': json({
      dir: runtime.backupDir,
      intervalMinutes: runtime.intervalMs === null ? null : runtime.intervalMs / 60_000,
      keep: runtime.keep,
      lastBackupAt: runtime.backups.lastBackupAt,
      lastError: runtime.backups.lastError,
      pendingRestore: pendingRestore(runtime.dbPath),
      stagedRestoreAtStart: runtime.stagedRestore,
      items: listBackups(runtime.backupDir),
    }),
    'config.json': json({
      kioskId: ctx.kioskId,
      dataDir: runtime.dataDir,
      dbFile: runtime.dbPath,
      serverUrl: sanitizeUrl(runtime.serverUrl),
      logs: { dir: runtime.logDir, level: runtime.logLevel, files: logFiles(runtime.logDir) },
      settings,
      meta: redactedRows(ctx.store.q.all(ctx.store.db.selectFrom('meta').select(['key', 'value']).orderBy('key'))),
      secrets: {
        note: 'Secret values are never included; only where they are and how they are protected.',
        ticketKeyFile: { present: existsSync(secretsFile), mode: existsSync(secretsFile) ? fileMode(secretsFile)?.toString(8) ?? null : null },
        ticketKeyId: ctx.ticketKey.id,
        secretStoreDir: { present: existsSync(secretsDirFor(runtime.dbPath)) },
        kioskSecretConfigured: runtime.kioskSecretSet,
      },
      environment: {
        ...Object.fromEntries(ENV_WHITELIST.filter((k) => process.env[k] !== undefined).map((k) => [k, k.endsWith('_URL') ? sanitizeUrl(process.env[k]) : process.env[k]])),
        secretsSetInEnvironment: ENV_SECRET_NAMES.filter((k) => process.env[k] !== undefined),
      },
    }),
  };

  let budget = LOG_BUDGET_BYTES;
  for (const f of logFiles(runtime.logDir)) {
    if (budget <= 0) break;
    const text = readTail(join(runtime.logDir, f), budget);
    budget -= Buffer.byteLength(text);
    entries[`logs/${f}`] = runtime.redactor.text(text);
  }
  return entries;
}

export function buildDiagnostics(ctx: ServiceContext, runtime: OpsRuntime, health: unknown, now = Date.now()): DiagnosticsBundle {
  const entries = collectDiagnostics(ctx, runtime, health);
  const scrub = new Redactor(knownSecrets(ctx, runtime));
  const files: Record<string, Uint8Array> = {};
  for (const [name, text] of Object.entries(entries)) {
    const safe = name.startsWith('logs/') ? scrub.text(text) : scrub.string(text);
    for (const secret of scrub.secrets()) {
      if (safe.includes(secret)) throw new Error(`diagnostics: a secret value survived redaction in ${name}; bundle not produced`);
    }
    files[name] = strToU8(safe);
  }
  const zip = zipSync(files, { level: 6 });
  const stampText = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return {
    fileName: `parkgate-diagnostics-${ctx.kioskId}-${stampText}.zip`,
    mimeType: 'application/zip',
    base64: Buffer.from(zip).toString('base64'),
    bytes: zip.length,
    entries: Object.keys(files),
  };
}
