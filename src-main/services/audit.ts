/** Append-only, hash-chained audit log. append() must run inside the caller's transaction. */
import type { AuditEntry } from '../../src-shared/contracts/entities.js';
import { sha256Hex } from '../core/ids.js';
import type { AuditRow } from '../store/schema.js';
import type { Store } from '../store/open.js';
import type { Clock } from '../core/clock.js';

const GENESIS = '0'.repeat(64);

export interface AuditInput {
  operatorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  details?: Record<string, unknown>;
}

function rowHash(r: Omit<AuditRow, 'hash'>): string {
  return sha256Hex(JSON.stringify([r.prev_hash, r.id, r.at, r.operator_id, r.action, r.entity_type, r.entity_id, r.details]));
}

export class AuditLog {
  constructor(private readonly store: Store, private readonly clock: Clock) {}

  append(entry: AuditInput): void {
    const { q, db } = this.store;
    const last = q.first(db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1));
    const row = {
      id: (last?.id ?? 0) + 1,
      at: this.clock.now(),
      operator_id: entry.operatorId,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId,
      details: JSON.stringify(entry.details ?? {}),
      prev_hash: last?.hash ?? GENESIS,
    };
    q.run(db.insertInto('audit_log').values({ ...row, hash: rowHash(row) }));
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

  /** Recomputes the whole chain: any edited, inserted or deleted row breaks it. */
  verify(): { ok: boolean; checked: number; brokenAt: number | null; message: string } {
    const stmt = this.store.sqlite.prepare('SELECT * FROM audit_log ORDER BY id');
    let prev = GENESIS;
    let expectedId = 1;
    let checked = 0;
    for (const r of stmt.iterate() as IterableIterator<AuditRow>) {
      const { hash, ...rest } = r;
      if (r.id !== expectedId) {
        return { ok: false, checked, brokenAt: expectedId, message: `Audit entry ${expectedId} is missing.` };
      }
      if (r.prev_hash !== prev || rowHash(rest) !== hash) {
        return { ok: false, checked, brokenAt: r.id, message: `Audit entry ${r.id} was changed.` };
      }
      prev = hash;
      expectedId += 1;
      checked += 1;
    }
    return { ok: true, checked, brokenAt: null, message: `All ${checked} audit entries verify.` };
  }
}
