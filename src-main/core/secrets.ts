/**
 * Kiosk secrets (ticket-signing key, audit-chain key) kept beside the database in a file readable
 * only by the service user, never in the database. Created once, atomically, so processes sharing
 * one database file share one key.
 *
 * The audit key signs the audit chain (HMAC-SHA256, src-main/services/audit.ts): a rewrite of the
 * chain then needs this file as well as the database. It is stored with `auditKeyedFrom`, the
 * first audit entry written with it: entries before it (a database upgraded from an unkeyed
 * chain) keep their plain SHA-256 links. Kept here, not only in the database, so an attacker
 * holding just the database cannot move the boundary to pass a rewritten chain off as unkeyed.
 * A secrets file written before the audit key existed gets it in a second file created the same
 * way (`<db>.secrets.audit.json`, exclusive create), never by rewriting the first one in place.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export interface AuditKey {
  key: Uint8Array;
  /** The first audit entry id chained with the key. */
  keyedFrom: number;
}

export interface KioskSecrets {
  ticketKeyId: string;
  ticketSecret: Uint8Array;
  audit: AuditKey;
}

interface SecretsFile {
  ticketKeyId: string;
  ticketSecret: string;
  auditKey?: string;
  auditKeyedFrom?: number;
}

interface AuditKeyFile {
  auditKey: string;
  auditKeyedFrom: number;
}

export function secretsPathFor(dbPath: string): string {
  return `${dbPath}.secrets.json`;
}

export function auditKeyPathFor(secretsPath: string): string {
  return secretsPath.replace(/\.json$/, '') + '.audit.json';
}

/** Creates `path` with `text` unless it exists; returns the file's content either way. */
function createOnce(path: string, text: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    return text;
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8');
    throw err;
  }
}

/** The audit key of the kiosk whose database is `dbPath`, without creating one (null when there is none yet). */
export function readAuditKey(dbPath: string): AuditKey | null {
  const path = secretsPathFor(dbPath);
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as SecretsFile;
    const audit: AuditKeyFile = data.auditKey !== undefined && typeof data.auditKeyedFrom === 'number'
      ? { auditKey: data.auditKey, auditKeyedFrom: data.auditKeyedFrom }
      : (JSON.parse(readFileSync(auditKeyPathFor(path), 'utf8')) as AuditKeyFile);
    return { key: Buffer.from(audit.auditKey, 'base64'), keyedFrom: audit.auditKeyedFrom };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const freshAuditKey = (keyedFrom: number): AuditKeyFile => ({ auditKey: randomBytes(32).toString('base64'), auditKeyedFrom: keyedFrom });

/**
 * @param auditKeyedFrom where keyed audit entries start when the key is created now (the marker
 *   migration 0010 wrote into the database: 1 on a new database).
 */
export function loadOrCreateSecrets(path: string, auditKeyedFrom = 1): KioskSecrets {
  const data = JSON.parse(
    createOnce(path, JSON.stringify({
      ticketKeyId: `k${randomBytes(4).toString('hex')}`,
      ticketSecret: randomBytes(32).toString('base64'),
      ...freshAuditKey(auditKeyedFrom),
    } satisfies SecretsFile)),
  ) as SecretsFile;
  const audit: AuditKeyFile = data.auditKey !== undefined && typeof data.auditKeyedFrom === 'number'
    ? { auditKey: data.auditKey, auditKeyedFrom: data.auditKeyedFrom }
    : (JSON.parse(createOnce(auditKeyPathFor(path), JSON.stringify(freshAuditKey(auditKeyedFrom)))) as AuditKeyFile);
  return {
    ticketKeyId: data.ticketKeyId,
    ticketSecret: Buffer.from(data.ticketSecret, 'base64'),
    audit: { key: Buffer.from(audit.auditKey, 'base64'), keyedFrom: audit.auditKeyedFrom },
  };
}
