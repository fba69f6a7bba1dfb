/**
 * integrity.check: the seed system's five checks plus every invariant of DESIGN.md §3.
 * Plain SQL on purpose: each check is one readable query returning the ids involved.
 */
import type { ApiResult } from '../../src-shared/contracts/api.js';
import type { IntegrityFinding } from '../../src-shared/contracts/entities.js';
import type { ServiceContext } from './context.js';
import { ANCHOR_CHECK_NAMES, checkAnchor, type AnchorReport, type ArchivedHashes, type CheckpointFetcher } from '../records/audit-anchor.js';
import { loadArchivedAudit } from '../records/archived-audit.js';
import { keeperOf } from '../records/keeper.js';
import { DEFAULT_POLICY } from '../records/retention.js';
import { countedPaymentSql } from './payment-counting.js';

const OPEN = `('BOOKED','PARKED','EXITING')`;

const CHECKS: { check: string; message: string; sql: string; params?: true }[] = [
  {
    check: 'orphan_sessions',
    message: 'Sessions whose vehicle does not exist',
    sql: `SELECT s.id FROM sessions s LEFT JOIN vehicles v ON v.id = s.vehicle_id WHERE v.id IS NULL`,
  },
  {
    check: 'occupied_slots_without_session',
    message: 'Slots marked occupied without an open session holding them',
    sql: `SELECT sl.id FROM slots sl LEFT JOIN sessions s ON s.id = sl.current_session_id
          WHERE sl.current_session_id IS NOT NULL AND (s.id IS NULL OR s.status NOT IN ${OPEN} OR s.slot_id <> sl.id OR s.overflow = 1)`,
  },
  {
    check: 'unpaid_exits',
    message: 'Completed sessions with an amount due but no successful payment of that amount',
    sql: `SELECT s.id FROM sessions s WHERE s.status = 'COMPLETED' AND COALESCE(s.amount_due_paise, 0) > 0
          AND COALESCE((SELECT SUM(p.amount_paise) FROM payments p WHERE p.session_id = s.id AND ${countedPaymentSql('p')}), 0)
              <> s.amount_due_paise`,
  },
  {
    check: 'sessions_without_zone',
    message: 'Sessions whose zone does not exist',
    sql: `SELECT s.id FROM sessions s LEFT JOIN zones z ON z.id = s.zone_id WHERE z.id IS NULL`,
  },
  {
    check: 'slots_without_zone',
    message: 'Slots whose zone does not exist',
    sql: `SELECT sl.id FROM slots sl LEFT JOIN zones z ON z.id = sl.zone_id WHERE z.id IS NULL`,
  },
  {
    check: 'open_session_slot_not_occupied',
    message: 'Open sessions whose slot is not marked as held by them',
    sql: `SELECT s.id FROM sessions s JOIN slots sl ON sl.id = s.slot_id
          WHERE s.status IN ${OPEN} AND s.overflow = 0 AND (sl.current_session_id IS NULL OR sl.current_session_id <> s.id)`,
  },
  {
    check: 'slot_held_twice',
    message: 'Slots held by more than one open session',
    sql: `SELECT s.slot_id FROM sessions s WHERE s.status IN ${OPEN} AND s.overflow = 0 GROUP BY s.slot_id HAVING COUNT(*) > 1`,
  },
  {
    check: 'vehicle_open_twice',
    message: 'Vehicles with more than one open session',
    sql: `SELECT s.vehicle_id FROM sessions s WHERE s.status IN ${OPEN} GROUP BY s.vehicle_id HAVING COUNT(*) > 1`,
  },
  {
    check: 'entry_exit_consistency',
    message: 'Sessions whose entry or exit time does not match their state',
    sql: `SELECT s.id FROM sessions s WHERE
            (s.status IN ('PARKED','EXITING','COMPLETED') AND s.entry_at IS NULL)
            OR (s.status = 'COMPLETED' AND (s.exit_at IS NULL OR s.exit_at < s.entry_at))
            OR (s.status <> 'COMPLETED' AND s.exit_at IS NOT NULL)
            OR (s.status = 'BOOKED' AND s.entry_at IS NOT NULL)`,
  },
  {
    check: 'entered_or_exited_twice',
    message: 'Sessions whose entry or exit was recorded more than once',
    sql: `SELECT entity_id FROM audit_log WHERE action IN ('session.entered','session.completed') AND entity_id IS NOT NULL
          GROUP BY entity_id, action HAVING COUNT(*) > 1`,
  },
  {
    check: 'ticket_code_shared',
    message: 'Ticket codes used by more than one session',
    sql: `SELECT code FROM sessions GROUP BY code HAVING COUNT(*) > 1`,
  },
  {
    check: 'paid_amount_mismatch',
    message: 'Sessions whose paid amount differs from their successful payments',
    sql: `SELECT s.id FROM sessions s WHERE s.amount_paid_paise <>
          COALESCE((SELECT SUM(p.amount_paise) FROM payments p WHERE p.session_id = s.id AND ${countedPaymentSql('p')}), 0)`,
  },
  {
    // Acknowledged events deleted by retention are counted in records_state.outbox_pruned.
    check: 'outbox_sequence_gap',
    message: 'Kiosks whose outbox sequence has a gap',
    sql: `SELECT kiosk_id FROM outbox GROUP BY kiosk_id
          HAVING MAX(seq) <> COUNT(*) + COALESCE((SELECT outbox_pruned FROM records_state WHERE id = 1), 0)`,
  },
  // Cross-checks with the audit log: a payment or a paid amount edited on disk no longer matches
  // the (chained) entries that recorded it. Payments recorded by this kiosk carry a payment audit
  // entry with their amount; payments another gate recorded (applied from sync) have none here
  // and are checked by the server, which holds them. `audit_all` is the live log plus the
  // archived entries (records/archived-audit.ts), so payments whose entries were archived and
  // pruned are still checked; a payment entry archived before the history window (@cutoff) may
  // have had its payment pruned by retention, so only one inside the window must find its payment.
  {
    check: 'payment_differs_from_audit',
    message: 'Successful payments whose amount, session or status differs from the audit entry that recorded their success',
    sql: `SELECT p.id FROM payments p WHERE p.status IN ('SUCCESS','REFUNDED')
          AND EXISTS (SELECT 1 FROM audit_all a WHERE a.entity_id = p.id AND a.entity_type = 'payment')
          AND NOT EXISTS (SELECT 1 FROM audit_all a WHERE a.entity_id = p.id AND a.entity_type = 'payment'
            AND json_extract(a.details, '$.status') = 'SUCCESS'
            AND json_extract(a.details, '$.amountPaise') = p.amount_paise
            AND json_extract(a.details, '$.sessionId') = p.session_id)`,
  },
  {
    check: 'audited_payment_missing',
    message: 'Payments the audit log recorded as successful that are missing, not successful or of another amount',
    sql: `SELECT DISTINCT a.entity_id FROM audit_all a WHERE a.entity_type = 'payment' AND json_extract(a.details, '$.status') = 'SUCCESS'
          AND (a.archived = 0 OR a.at >= @cutoff)
          AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = a.entity_id AND p.status IN ('SUCCESS','REFUNDED')
            AND p.amount_paise = json_extract(a.details, '$.amountPaise'))`,
    params: true,
  },
  {
    check: 'session_paid_differs_from_audit',
    message: 'Completed sessions whose paid amount differs from the audit entry that recorded their exit',
    // Paid at exit plus counted payments audited as successful after it (an accepted late success; the exit's
    // own payment entry is the one right after the exit entry, written with it). A session
    // the server re-folded since (a sync.* entry after the exit: e.g. a double exit at two gates)
    // carries the server's canonical amount, which the server checks.
    sql: `SELECT s.id FROM sessions s JOIN audit_all a ON a.id = (
            SELECT MAX(x.id) FROM audit_all x WHERE x.entity_id = s.id AND x.action = 'session.completed')
          WHERE s.status = 'COMPLETED'
            AND NOT EXISTS (SELECT 1 FROM audit_all y WHERE y.entity_id = s.id AND y.id > a.id AND y.action LIKE 'sync.%')
            AND json_extract(a.details, '$.amountPaidPaise') + COALESCE((
              SELECT SUM(json_extract(e.details, '$.amountPaise')) FROM payments pm JOIN audit_all e ON e.entity_id = pm.id
              WHERE pm.session_id = s.id AND ${countedPaymentSql('pm')} AND e.entity_type = 'payment' AND e.id > a.id + 1
                AND json_extract(e.details, '$.status') = 'SUCCESS'), 0)
              IS NOT s.amount_paid_paise`,
  },
];

export function integrityCheck(ctx: ServiceContext): { ok: boolean; findings: IntegrityFinding[] } {
  const findings: IntegrityFinding[] = [];
  const keeper = keeperOf(ctx);
  const unreadable = loadArchivedAudit(ctx, keeper?.archiveDir ?? null);
  if (unreadable) findings.push({ check: 'archived_audit_unreadable', message: `The payment cross-checks cannot read the audit archive: ${unreadable}.`, ids: [] });
  const cutoff = ctx.clock.now() - (keeper?.policy.historyWindowMs ?? DEFAULT_POLICY.historyWindowMs);
  for (const c of CHECKS) {
    const stmt = ctx.store.sqlite.prepare(c.sql).pluck();
    const ids = (c.params ? stmt.all({ cutoff }) : stmt.all()).map((id) => String(id));
    if (ids.length) findings.push({ check: c.check, message: c.message, ids: ids.slice(0, 100) });
  }
  const audit = ctx.audit.verify();
  if (!audit.ok) findings.push({ check: 'audit_chain', message: audit.message, ids: [String(audit.brokenAt)] });
  return { ok: findings.length === 0, findings };
}

/**
 * integrity.check and `doctor`: the checks above plus the audit chain against its anchor (the
 * server's checkpoints when reachable, else the checkpoint the server last acknowledged).
 */
export async function integrityCheckAnchored(
  ctx: ServiceContext, fetcher?: CheckpointFetcher, archived?: ArchivedHashes,
): Promise<{ ok: boolean; findings: IntegrityFinding[]; anchor: AnchorReport }> {
  const local = integrityCheck(ctx);
  const anchor = await checkAnchor(ctx, fetcher, archived);
  const findings = [...local.findings, ...anchor.findings];
  return { ok: findings.length === 0, findings, anchor };
}

/** The integrity.check answer (src-shared/contracts/api.ts). */
export async function integrityCheckApi(ctx: ServiceContext): Promise<ApiResult<'integrity.check'>> {
  const r = await integrityCheckAnchored(ctx);
  return { ok: r.ok, findings: r.findings };
}

export const INTEGRITY_CHECK_NAMES = [...CHECKS.map((c) => c.check), 'archived_audit_unreadable', 'audit_chain', ...ANCHOR_CHECK_NAMES];
