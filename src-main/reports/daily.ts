/**
 * reports.daily: one DailyReport object for a local calendar day; the screen, the CSV and the PDF
 * are all rendered from it, so their figures cannot disagree.
 *
 * Plain SQL on purpose (like services/integrity.ts): each query is one readable statement whose
 * plan can be checked with EXPLAIN QUERY PLAN; all of them are index range scans over the day
 * (sessions_entry_exit, sessions_exit, sessions_booked, sessions_long_stay, payments_completed,
 * payments_refunded, payments_created, audit_action_at), so the cost follows the day's volume,
 * not the size of the database. Definitions are in docs/reports.md.
 */
import { countedPaymentSql, isCountedPayment } from '../services/payment-counting.js';
import type { Statement } from 'better-sqlite3';
import { z } from 'zod';
import { PAYMENT_METHODS, PAYMENT_STATUSES, SESSION_STATUSES, SHIFT_STATUSES, type DailyReport } from '../../src-shared/contracts/entities.js';
import type { ServiceContext } from '../services/context.js';
import { aggregate, allRows, countRow, flag, oneRow } from '../store/raw-rows.js';
import { getSettings } from '../services/settings.js';
import { dayBounds, dayHours } from './time.js';
import { dailyTax } from '../invoices/daily-tax.js';
import { listExceptions } from '../lane/exceptions.js';
import { manualOpenings } from '../lane/openings.js';

const HOUR_MS = 3_600_000;
/** Must equal the literal in migration 0002's sessions_long_stay partial index. */
const LONG_STAY_MS = 86_400_000;

/** Audit actions that count as a manual gate opening (none of the current screens has one yet). */
export const MANUAL_GATE_OPEN_ACTIONS = ['gate.manualOpen'] as const;

const SESSION_COLUMNS = `s.id, s.zone_id, s.status, s.booked_at, s.entry_at, s.exit_at, s.amount_due_paise, s.amount_paid_paise,
  s.lost_ticket, s.conflict, s.vehicle_id, (v.id IS NULL) AS orphan, (z.id IS NULL) AS no_zone`;

const SQL = {
  /**
   * Every entered session inside at some moment of [start, end) or leaving in it: those entered
   * within a day before the end (sessions_entry_exit: the exit test runs in the index), plus
   * longer stays and cars still inside that entered earlier (sessions_long_stay partial index; its
   * WHERE text is repeated verbatim so SQLite can use it). The joins only probe primary keys.
   */
  present: `SELECT ${SESSION_COLUMNS}
    FROM sessions s LEFT JOIN vehicles v ON v.id = s.vehicle_id LEFT JOIN zones z ON z.id = s.zone_id
    WHERE s.entry_at >= @lookback AND s.entry_at < @end AND (s.exit_at IS NULL OR s.exit_at >= @start)
    UNION ALL
    SELECT ${SESSION_COLUMNS}
    FROM sessions s LEFT JOIN vehicles v ON v.id = s.vehicle_id LEFT JOIN zones z ON z.id = s.zone_id
    WHERE (exit_at IS NULL OR exit_at - entry_at > ${LONG_STAY_MS})
      AND s.entry_at < @lookback AND (s.exit_at IS NULL OR s.exit_at >= @start)`,
  /** Sessions created this day (bookings and walk-in tickets), counted in the sessions_booked index. */
  createdCount: `SELECT COUNT(*) AS n FROM sessions WHERE booked_at >= @start AND booked_at < @end`,
  /** The day's takings, read from the covering payments_completed index alone. */
  /**
   * The day's takings, read from the covering payments_completed index; only a late payment (rare)
   * looks up its review flag by rowid, since flagged late money counts only once a supervisor accepts it.
   */
  payments: `SELECT method, status, amount_paise, late, operator_id, session_id, completed_at,
      CASE WHEN late = 1 THEN (SELECT q.review_reason FROM payments q WHERE q.rowid = payments.rowid) END AS review_reason
    FROM payments WHERE completed_at >= @start AND completed_at < @end AND status IN ('SUCCESS','REFUNDED')`,
  /** A refunded late payment never counted (payment-counting.ts), so its refund is not taken off the takings. */
  refunds: `SELECT COUNT(*) AS n, COALESCE(SUM(amount_paise), 0) AS total FROM payments
    WHERE status = 'REFUNDED' AND late = 0 AND updated_at >= @start AND updated_at < @end`,
  openPayments: `SELECT status, COUNT(*) AS n FROM payments
    WHERE created_at >= @start AND created_at < @end AND status IN ('PENDING','FAILED','EXPIRED') GROUP BY status`,
  auditEvents: `SELECT a.at, a.action, a.entity_id, a.details, o.name AS operator_name, v.vehicle_number
    FROM audit_log a LEFT JOIN operators o ON o.id = a.operator_id
      LEFT JOIN sessions s ON s.id = a.entity_id LEFT JOIN vehicles v ON v.id = s.vehicle_id
    WHERE a.action IN ('session.cancelled','session.expired',${MANUAL_GATE_OPEN_ACTIONS.map((a) => `'${a}'`).join(',')})
      AND a.at >= @start AND a.at < @end`,
  whoDid: `SELECT o.name FROM audit_log a LEFT JOIN operators o ON o.id = a.operator_id
    WHERE a.entity_id = ? AND a.action = ? ORDER BY a.id DESC LIMIT 1`,
  sessionById: `SELECT s.zone_id, v.vehicle_number, s.conflict_reason FROM sessions s LEFT JOIN vehicles v ON v.id = s.vehicle_id WHERE s.id = ?`,
  paidFor: `SELECT COALESCE(SUM(p.amount_paise), 0) AS total FROM payments p WHERE p.session_id = ? AND ${countedPaymentSql('p')}`,
  occupiedSlotsWithoutSession: `SELECT COUNT(*) AS n FROM slots sl LEFT JOIN sessions s ON s.id = sl.current_session_id
    WHERE sl.current_session_id IS NOT NULL AND (s.id IS NULL OR s.status NOT IN ('BOOKED','PARKED','EXITING') OR s.slot_id <> sl.id)`,
  slotsWithoutZone: `SELECT COUNT(*) AS n FROM slots sl LEFT JOIN zones z ON z.id = sl.zone_id WHERE z.id IS NULL`,
  shifts: `SELECT sh.id, sh.status, sh.opened_at, sh.closed_at, sh.opening_float_paise, sh.expected_paise, sh.counted_paise,
      sh.difference_paise, o.name AS operator_name,
      (SELECT COALESCE(SUM(p.amount_paise), 0) FROM payments p
        WHERE p.shift_id = sh.id AND p.method = 'CASH' AND p.status IN ('SUCCESS','REFUNDED')) AS cash_sales
    FROM shifts sh LEFT JOIN operators o ON o.id = sh.operator_id
    WHERE sh.opened_at < @end AND (sh.closed_at IS NULL OR sh.closed_at >= @start)
    ORDER BY sh.opened_at, sh.id`,
  zones: `SELECT id, name, grace_minutes FROM zones ORDER BY position, name`,
  operators: `SELECT id, name FROM operators`,
};

const PresentRow = z.object({
  id: z.string(), zone_id: z.string(), status: z.enum(SESSION_STATUSES), booked_at: z.number().nullable(), entry_at: z.number(),
  exit_at: z.number().nullable(), amount_due_paise: z.number().nullable(), amount_paid_paise: z.number(), lost_ticket: flag,
  conflict: flag, vehicle_id: z.string(), orphan: flag, no_zone: flag,
});
const PaymentRow = z.object({
  method: z.enum(PAYMENT_METHODS), status: z.enum(PAYMENT_STATUSES), amount_paise: z.number(), late: flag, review_reason: z.string().nullable(),
  operator_id: z.string().nullable(), session_id: z.string(), completed_at: z.number(),
});
const AuditEventRow = z.object({
  at: z.number(), action: z.string(), entity_id: z.string().nullable(), details: z.string(), operator_name: z.string().nullable(),
  vehicle_number: z.string().nullable(),
});
const ShiftRow = z.object({
  id: z.string(), status: z.enum(SHIFT_STATUSES), opened_at: z.number(), closed_at: z.number().nullable(),
  opening_float_paise: z.number(), expected_paise: z.number().nullable(), counted_paise: z.number().nullable(),
  difference_paise: z.number().nullable(), operator_name: z.string().nullable(), cash_sales: z.number(),
});
const SessionInfoRow = z.object({ zone_id: z.string(), vehicle_number: z.string().nullable(), conflict_reason: z.string().nullable() });
const RefundsRow = z.object({ n: z.number(), total: z.number() });
const OpenPaymentsRow = z.object({ status: z.enum(PAYMENT_STATUSES), n: z.number() });
const ZoneRow = z.object({ id: z.string(), name: z.string(), grace_minutes: z.number() });
const OperatorRow = z.object({ id: z.string(), name: z.string() });
const NameRow = z.object({ name: z.string().nullable() });
const TotalRow = z.object({ total: z.number() });

type Prepared = { [K in keyof typeof SQL]: Statement };
const prepared = new WeakMap<object, Prepared>();

function statements(ctx: ServiceContext): Prepared {
  let p = prepared.get(ctx.store.sqlite);
  if (!p) {
    p = Object.fromEntries(Object.entries(SQL).map(([k, text]) => [k, ctx.store.sqlite.prepare(text)])) as Prepared;
    prepared.set(ctx.store.sqlite, p);
  }
  return p;
}

const iso = (ms: number) => new Date(ms).toISOString();
const num = (v: unknown) => Number(v ?? 0);

function median(sorted: number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : Math.floor((sorted[mid - 1]! + sorted[mid]!) / 2);
}

function durationText(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

function safeJson(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Builds the report for `date` (YYYY-MM-DD, local to the facility's time zone). Read-only. */
export function dailyReport(ctx: ServiceContext, date: string): DailyReport {
  const settings = getSettings(ctx);
  const tz = settings.timeZone;
  const { start, end } = dayBounds(date, tz);
  const hours = dayHours(date, tz);
  const now = ctx.clock.now();
  const st = statements(ctx);
  const range = { start, end };
  // One read transaction: every figure comes from the same snapshot (WAL readers do not block writers).
  const read = ctx.store.sqlite.transaction(() => {
    const present = allRows(st.present, PresentRow, { ...range, lookback: start - LONG_STAY_MS });
    const payments = allRows(st.payments, PaymentRow, range);
    const presentById = new Map(present.map((p) => [p.id, p]));
    const extra = new Map<string, { zone_id: string; vehicle_number: string | null; conflict_reason: string | null }>();
    const sessionInfo = (id: string) => {
      let info = extra.get(id);
      if (!info) {
        info = oneRow(st.sessionById, SessionInfoRow, id) ?? { zone_id: '', vehicle_number: null, conflict_reason: null };
        extra.set(id, info);
      }
      return info;
    };
    // Payments of sessions that were not inside this day (e.g. prepaid bookings): zone from the session.
    for (const p of payments) if (!presentById.has(p.session_id)) sessionInfo(p.session_id);
    // The seed's unpaid_exits check for the day: paid sums from the day's payments, the rest looked up.
    const paidToday = new Map<string, number>();
    for (const p of payments) paidToday.set(p.session_id, (paidToday.get(p.session_id) ?? 0) + p.amount_paise);
    let unpaidExits = 0;
    for (const s of present) {
      if (s.status !== 'COMPLETED' || s.exit_at == null || s.exit_at < start || s.exit_at >= end || !(s.amount_due_paise ?? 0)) continue;
      let paid = paidToday.get(s.id) ?? 0;
      if (paid !== s.amount_due_paise) paid = aggregate(st.paidFor, TotalRow, s.id).total;
      if (paid !== s.amount_due_paise) unpaidExits += 1;
    }
    return {
      present, payments, presentById, sessionInfo, unpaidExits,
      created: aggregate(st.createdCount, countRow, range).n,
      refunds: aggregate(st.refunds, RefundsRow, range),
      openPayments: allRows(st.openPayments, OpenPaymentsRow, range),
      audit: allRows(st.auditEvents, AuditEventRow, range),
      occupiedSlotsWithoutSession: aggregate(st.occupiedSlotsWithoutSession, countRow).n,
      slotsWithoutZone: aggregate(st.slotsWithoutZone, countRow).n,
      shifts: allRows(st.shifts, ShiftRow, range),
      zones: allRows(st.zones, ZoneRow),
      operators: allRows(st.operators, OperatorRow),
    };
  });
  const r = ctx.store.sqlite.inTransaction ? read() : read.deferred();
  const who = (sessionId: string, action: string): string | null =>
    oneRow(st.whoDid, NameRow, sessionId, action)?.name ?? null;
  const vehicleOf = (id: string) => r.sessionInfo(id).vehicle_number;

  const n = hours.length;
  const zoneIndex = new Map(r.zones.map((z, i) => [z.id, i]));
  const byHour = hours.map((h) => ({ hour: h.hour, occupancy: 0, entered: 0, exited: 0, revenuePaise: 0 }));
  const occDiff = new Array<number>(n + 1).fill(0);
  const zoneDiff = r.zones.map(() => new Array<number>(n + 1).fill(0));
  const byZone = r.zones.map((z) => ({ zoneId: z.id, zoneName: z.name, entered: 0, exited: 0, revenuePaise: 0, peakOccupancy: 0 }));
  const hourOf = (t: number) => Math.min(n - 1, Math.floor((t - start) / HOUR_MS));
  const exceptions: DailyReport['exceptions'] = [];
  const stays: number[] = [];
  let entered = 0;
  let exited = 0;
  let insideAtStart = 0;
  let insideAtEnd = 0;
  let orphan = 0;
  let noZone = 0;
  let walkIns = 0;

  for (const s of r.present) {
    const zi = zoneIndex.get(s.zone_id);
    orphan += s.orphan;
    noZone += s.no_zone;
    // A walk-in ticket is booked and entered at the same instant.
    if (s.booked_at === s.entry_at && s.entry_at >= start && s.entry_at < end) walkIns += 1;
    // A car still inside is counted up to now (a report for today does not run into the future).
    const leaves = s.exit_at ?? Math.max(now, s.entry_at + 1);
    if (s.entry_at < start && leaves > start) insideAtStart += 1;
    if (s.entry_at < end && (s.exit_at == null || s.exit_at >= end)) insideAtEnd += 1;
    if (leaves > start && s.entry_at < end && n > 0) {
      const first = s.entry_at < start ? 0 : hourOf(s.entry_at);
      const last = leaves >= end ? n - 1 : hourOf(leaves - 1);
      if (last >= first) {
        occDiff[first]! += 1;
        occDiff[last + 1]! -= 1;
        if (zi !== undefined) {
          zoneDiff[zi]![first]! += 1;
          zoneDiff[zi]![last + 1]! -= 1;
        }
      }
    }
    if (s.entry_at >= start && s.entry_at < end) {
      entered += 1;
      byHour[hourOf(s.entry_at)]!.entered += 1;
      if (zi !== undefined) byZone[zi]!.entered += 1;
    }
    const exitedToday = s.exit_at != null && s.exit_at >= start && s.exit_at < end;
    if (exitedToday) {
      exited += 1;
      byHour[hourOf(s.exit_at!)]!.exited += 1;
      if (zi !== undefined) byZone[zi]!.exited += 1;
      const staySeconds = Math.floor((s.exit_at! - s.entry_at) / 1000);
      stays.push(staySeconds);
      if (s.lost_ticket === 1) {
        exceptions.push({
          kind: 'LOST_TICKET', sessionId: s.id, vehicleNumber: vehicleOf(s.id), at: iso(s.exit_at!),
          operatorName: who(s.id, 'session.lostTicket') ?? who(s.id, 'session.completed'),
          detail: `Lost ticket; paid ${(s.amount_paid_paise / 100).toFixed(2)} after ${durationText(staySeconds)}`,
        });
      }
      if (s.status === 'COMPLETED' && s.amount_paid_paise === 0) {
        exceptions.push({
          kind: 'FREE_EXIT', sessionId: s.id, vehicleNumber: vehicleOf(s.id), at: iso(s.exit_at!),
          operatorName: who(s.id, 'session.completed'),
          detail: zi !== undefined && staySeconds <= r.zones[zi]!.grace_minutes * 60
            ? `No charge: ${durationText(staySeconds)}, within the ${r.zones[zi]!.grace_minutes} min grace`
            : `Left without paying after ${durationText(staySeconds)}`,
        });
      }
    }
    if (s.conflict === 1) {
      const reason = r.sessionInfo(s.id).conflict_reason;
      exceptions.push({
        kind: 'CONFLICT', sessionId: s.id, vehicleNumber: vehicleOf(s.id), at: iso(s.exit_at ?? s.entry_at),
        operatorName: s.exit_at != null ? who(s.id, 'session.completed') : null,
        detail: reason ? `Conflict: ${reason}` : 'Conflict flagged for review',
      });
    }
  }
  for (let i = 0, run = 0; i < n; i += 1) {
    run += occDiff[i]!;
    byHour[i]!.occupancy = run;
  }
  zoneDiff.forEach((diff, zi) => {
    let run = 0;
    let peak = 0;
    for (let i = 0; i < n; i += 1) {
      run += diff[i]!;
      if (run > peak) peak = run;
    }
    byZone[zi]!.peakOccupancy = peak;
  });

  const opName = new Map(r.operators.map((o) => [o.id, o.name]));
  const byOperatorMap = new Map<string, DailyReport['byOperator'][number]>();
  let cashPaise = 0;
  let onlinePaise = 0;
  let latePaise = 0;
  let cashCount = 0;
  let onlineCount = 0;
  let lateCount = 0;
  for (const p of r.payments) {
    if (!isCountedPayment(p)) {
      // Late money still awaiting a supervisor, or refunded: kept out of the takings, shown as an exception.
      exceptions.push({
        kind: 'LATE_PAYMENT', sessionId: p.session_id, vehicleNumber: vehicleOf(p.session_id), at: iso(p.completed_at),
        operatorName: (p.operator_id && opName.get(p.operator_id)) || null,
        detail: `${p.method} payment of ${(p.amount_paise / 100).toFixed(2)} confirmed after it had expired; ${p.status === 'REFUNDED' ? 'refunded' : 'awaiting a supervisor'}, not counted`,
      });
      continue;
    }
    if (p.method === 'CASH') {
      cashPaise += p.amount_paise;
      cashCount += 1;
    } else {
      onlinePaise += p.amount_paise;
      onlineCount += 1;
    }
    byHour[hourOf(p.completed_at)]!.revenuePaise += p.amount_paise;
    const zi = zoneIndex.get(r.presentById.get(p.session_id)?.zone_id ?? r.sessionInfo(p.session_id).zone_id);
    if (zi !== undefined) byZone[zi]!.revenuePaise += p.amount_paise;
    const opKey = p.operator_id ?? '';
    let op = byOperatorMap.get(opKey);
    if (!op) {
      op = { operatorId: opKey, operatorName: (p.operator_id && opName.get(p.operator_id)) || 'Central server', payments: 0, revenuePaise: 0, cashPaise: 0, onlinePaise: 0 };
      byOperatorMap.set(opKey, op);
    }
    op.payments += 1;
    op.revenuePaise += p.amount_paise;
    if (p.method === 'CASH') op.cashPaise += p.amount_paise;
    else op.onlinePaise += p.amount_paise;
    if (p.late === 1) {
      latePaise += p.amount_paise;
      lateCount += 1;
      exceptions.push({
        kind: 'LATE_PAYMENT', sessionId: p.session_id, vehicleNumber: vehicleOf(p.session_id), at: iso(p.completed_at),
        operatorName: (p.operator_id && opName.get(p.operator_id)) || null,
        detail: `${p.method} payment of ${(p.amount_paise / 100).toFixed(2)} confirmed after it had expired`,
      });
    }
  }

  let cancelled = 0;
  let expired = 0;
  for (const a of r.audit) {
    const details = safeJson(a.details);
    if (a.action === 'session.cancelled') {
      cancelled += 1;
      const refund = num(details.refundPaise);
      exceptions.push({
        kind: 'CANCELLED', sessionId: a.entity_id, vehicleNumber: a.vehicle_number, at: iso(a.at), operatorName: a.operator_name,
        detail: `Cancelled: ${typeof details.reason === 'string' ? details.reason : 'no reason given'}${refund > 0 ? `; refund ${(refund / 100).toFixed(2)}` : ''}`,
      });
    } else if (a.action === 'session.expired') {
      expired += 1;
    } else {
      exceptions.push({
        kind: 'MANUAL_GATE_OPEN', sessionId: a.entity_id, vehicleNumber: a.vehicle_number, at: iso(a.at), operatorName: a.operator_name,
        detail: `Gate opened by hand${typeof details.reason === 'string' ? `: ${details.reason}` : ''}`,
      });
    }
  }
  exceptions.sort((a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind) || (a.sessionId ?? '').localeCompare(b.sessionId ?? ''));

  stays.sort((a, b) => a - b);
  const stayTotal = stays.reduce((acc, s) => acc + s, 0);
  const refundsPaise = num(r.refunds.total);
  const pendingOf = (status: string) => num(r.openPayments.find((p) => p.status === status)?.n);
  const findings = [
    { check: 'orphan_sessions', count: orphan },
    { check: 'occupied_slots_without_session', count: num(r.occupiedSlotsWithoutSession) },
    { check: 'unpaid_exits', count: r.unpaidExits },
    { check: 'sessions_without_zone', count: noZone },
    { check: 'slots_without_zone', count: num(r.slotsWithoutZone) },
  ];

  return {
    date,
    timeZone: tz,
    facilityName: settings.facilityName,
    generatedAt: iso(now),
    dayStart: iso(start),
    dayEnd: iso(end),
    sessions: {
      booked: num(r.created) - walkIns,
      walkIns,
      entered,
      exited,
      cancelled,
      expired,
      insideAtStart,
      insideAtEnd,
    },
    revenue: {
      totalPaise: cashPaise + onlinePaise - refundsPaise,
      cashPaise,
      onlinePaise,
      refundsPaise,
      latePaise,
      cashCount,
      onlineCount,
      refundCount: num(r.refunds.n),
      lateCount,
    },
    pendingPayments: pendingOf('PENDING'),
    failedPayments: pendingOf('FAILED') + pendingOf('EXPIRED'),
    stay: { averageSeconds: stays.length ? Math.round(stayTotal / stays.length) : null, medianSeconds: median(stays) },
    byZone,
    byHour,
    byOperator: [...byOperatorMap.values()].sort((a, b) => b.revenuePaise - a.revenuePaise || a.operatorName.localeCompare(b.operatorName)),
    byShift: r.shifts.map((s) => ({
      shiftId: s.id,
      operatorName: s.operator_name ?? '',
      openedAt: iso(s.opened_at),
      closedAt: s.closed_at == null ? null : iso(s.closed_at),
      openingFloatPaise: s.opening_float_paise,
      cashSalesPaise: num(s.cash_sales),
      expectedPaise: s.expected_paise,
      countedPaise: s.counted_paise,
      differencePaise: s.difference_paise,
      status: s.status,
    })),
    exceptions,
    integrity: { ok: findings.every((f) => f.count === 0), findings },
    // GST of the day's supplies (docs/invoices.md); the day is the IST calendar day.
    tax: dailyTax(ctx, date),
    vendExceptions: (ctx.lane.flush(), listExceptions(ctx, range)),
    manualOpenings: manualOpenings(ctx, range),
  };
}
