/**
 * Append-only, hash-chained audit log. append() must run inside the caller's transaction.
 *
 * Each entry's hash covers the previous hash and the entry's fields. From the entry the audit key
 * was created for (`keyedFrom`, src-main/core/secrets.ts) on, the hash is HMAC-SHA256 under the
 * kiosk's audit key: rewriting the chain then needs the key file as well as the database. Earlier
 * entries (an upgraded database's unkeyed chain) keep plain SHA-256 and still verify.
 *
 * Entries archived and pruned (src-main/records/audit-archive.ts) leave a signed checkpoint in
 * audit_pruned (the id and hash of the last pruned entry): the remaining chain verifies from it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AuditEntry } from '../../src-shared/contracts/entities.js';
import { sha256Hex } from '../core/ids.js';
import type { AuditKey } from '../core/secrets.js';
import type { AuditRow } from '../store/schema.js';
import type { Store } from '../store/open.js';
import type { Clock } from '../core/clock.js';

export const GENESIS = '0'.repeat(64);

export interface AuditInput {
  operatorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  details?: Record<string, unknown>;
}

export interface AuditVerdict {
  ok: boolean;
  checked: number;
  brokenAt: number | null;
  message: string;
  /** Id and hash of the newest entry (the head a checkpoint anchors); null for an empty log. */
  head: { seq: number; hash: string } | null;
}

/** The chain's start after pruning: the last pruned entry, as its signed checkpoint recorded it. */
export interface PrunedCheckpoint {
  throughId: number;
  hash: string;
  at: number;
  segment: string;
  sig: string;
}

function rowText(r: Omit<AuditRow, 'hash'>): string {
  return JSON.stringify([r.prev_hash, r.id, r.at, r.operator_id, r.action, r.entity_type, r.entity_id, r.details]);
}

export function hmacHex(key: Uint8Array, text: string): string {
  return createHmac('sha256', key).update(text).digest('hex');
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The hash an entry must carry: keyed from `key.keyedFrom` on, plain SHA-256 before. */
export function entryHash(key: AuditKey | null, r: Omit<AuditRow, 'hash'>): string {
  return key && r.id >= key.keyedFrom ? hmacHex(key.key, rowText(r)) : sha256Hex(rowText(r));
}

export function prunedSignature(key: AuditKey, p: Omit<PrunedCheckpoint, 'sig'>): string {
  return hmacHex(key.key, JSON.stringify(['audit_pruned', p.throughId, p.hash, p.at, p.segment]));
}

export class AuditLog {
  /**
   * @param key the audit key; null only for tools reading a database without its secrets (then
   *   keyed entries cannot be verified and say so).
   */
  constructor(private readonly store: Store, private readonly clock: Clock, readonly key: AuditKey | null = null) {}

  /** Compiled once: append runs on every gate operation and every pulled change. */
  private compiled: ReturnType<AuditLog['compileAppend']> | null = null;
  private get appendQueries(): ReturnType<AuditLog['compileAppend']> {
    return (this.compiled ??= this.compileAppend());
  }
  private compileAppend() {
    const { q, db } = this.store;
    return {
      last: q.prepare<Record<string, never>, { id: number; hash: string }>([], () => db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1)),
      insert: q.prepare<AuditRow, never>(['id', 'at', 'operator_id', 'action', 'entity_type', 'entity_id', 'details', 'prev_hash', 'hash'], (p) => db.insertInto('audit_log').values(p)),
    };
  }

  append(entry: AuditInput): void {
    const last = this.appendQueries.last.first({});
    const pruned = last ? null : this.prunedCheckpoint();
    const row = {
      id: (last?.id ?? pruned?.throughId ?? 0) + 1,
      at: this.clock.now(),
      operator_id: entry.operatorId,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      details: JSON.stringify(entry.details ?? {}),
      prev_hash: last?.hash ?? pruned?.hash ?? GENESIS,
    };
    if (!this.key && row.id >= (this.storedKeyedFrom() ?? Infinity)) {
      throw new Error('The audit log is keyed: appending needs the kiosk audit key.');
    }
    this.appendQueries.insert.run({ ...row, hash: entryHash(this.key, row) });
  }

  /** The newest entry's id and hash (what a push anchors at the server). */
  head(): { seq: number; hash: string } | null {
    const r = this.store.sqlite.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string } | undefined;
    if (r) return { seq: r.id, hash: r.hash };
    const p = this.prunedCheckpoint();
    return p ? { seq: p.throughId, hash: p.hash } : null;
  }

  /** The newest signed pruned checkpoint, or null when nothing was pruned. */
  prunedCheckpoint(): PrunedCheckpoint | null {
    const r = this.store.sqlite.prepare('SELECT through_id, hash, at, segment, sig FROM audit_pruned ORDER BY through_id DESC LIMIT 1')
      .get() as { through_id: number; hash: string; at: number; segment: string; sig: string } | undefined;
    return r ? { throughId: r.through_id, hash: r.hash, at: r.at, segment: r.segment, sig: r.sig } : null;
  }

  /** The boundary migration 0010 wrote into the database (the key file's copy is the trusted one). */
  storedKeyedFrom(): number | null {
    const r = this.store.sqlite.prepare(`SELECT value FROM meta WHERE key = 'audit_keyed_from'`).get() as { value: string } | undefined;
    return r ? Number(r.value) : null;
  }

  list(filter: { entityIds?: string[]; limit?: number; beforeId?: number }): AuditEntry[] {
    const { q, db } = this.store;
    let query = db
      .selectFrom('audit_log')
      .leftJoin('operators', 'operators.id', 'audit_log.operator_id')
      .select([
        'audit_log.id', 'audit_log.at', 'audit_log.operator_id', 'operators.name as operator_name',
        'audit_log.action', 'audit_log.entity_type', 'audit_log.entity_id', 'audit_log.details', 'audit_log.hash',
      ])
      .orderBy('audit_log.id', 'desc')
      .limit(filter.limit ?? 100);
    if (filter.entityIds) query = query.where('audit_log.entity_id', 'in', filter.entityIds);
    if (filter.beforeId) query = query.where('audit_log.id', '<', filter.beforeId);
    return q.all(query).map((r) => ({
      id: r.id,
      at: new Date(r.at).toISOString(),
      operatorId: r.operator_id,
      operatorName: r.operator_name ?? null,
      action: r.action,
      entityType: r.entity_type,
      entityId: r.entity_id,
      details: JSON.parse(r.details) as unknown,
      hash: r.hash,
    }));
  }

  /**
   * Recomputes the whole local chain (from the pruned checkpoint, if any): any edited, inserted
   * or deleted row breaks it. A boundary in the database that differs from the key file's, or a
   * pruned checkpoint not signed with the key, is reported too.
   */
  verify(): AuditVerdict {
    const fail = (checked: number, brokenAt: number, message: string): AuditVerdict => ({ ok: false, checked, brokenAt, message, head: null });
    const stored = this.storedKeyedFrom();
    if (this.key && stored !== null && stored !== this.key.keyedFrom) {
      return fail(0, Math.min(stored, this.key.keyedFrom), `The audit key boundary was changed (database says entry ${stored}, the key file ${this.key.keyedFrom}).`);
    }
    const pruned = this.prunedCheckpoint();
    let prev = GENESIS;
    let expectedId = 1;
    if (pruned) {
      if (!this.key || !sameHex(prunedSignature(this.key, pruned), pruned.sig)) {
        return fail(0, pruned.throughId, `The pruned-chain checkpoint at entry ${pruned.throughId} is not signed with this kiosk's audit key.`);
      }
      prev = pruned.hash;
      expectedId = pruned.throughId + 1;
    }
    const stmt = this.store.sqlite.prepare('SELECT * FROM audit_log WHERE id >= ? ORDER BY id');
    // Entries at or below the checkpoint are archived (their deletion may still be in progress).
    let checked = 0;
    let linkedOnly = 0;
    let head: AuditVerdict['head'] = pruned ? { seq: pruned.throughId, hash: pruned.hash } : null;
    for (const r of stmt.iterate(expectedId) as IterableIterator<AuditRow>) {
      const { hash, ...rest } = r;
      if (r.id !== expectedId) {
        return fail(checked, expectedId, `Audit entry ${expectedId} is missing.`);
      }
      // Without the key (a backup file checked on its own) keyed entries are checked for linkage only.
      const linkOnly = !this.key && stored !== null && r.id >= stored;
      if (linkOnly) linkedOnly += 1;
      if (r.prev_hash !== prev || (!linkOnly && !sameHex(entryHash(this.key, rest), hash))) {
        return fail(checked, r.id, `Audit entry ${r.id} was changed.`);
      }
      prev = hash;
      head = { seq: r.id, hash };
      expectedId += 1;
      checked += 1;
    }
    const message = linkedOnly
      ? `All ${checked} audit entries verify (${linkedOnly} keyed entries by their links only: no audit key here).`
      : `All ${checked} audit entries verify.`;
    return { ok: true, checked, brokenAt: null, message, head };
  }
}
