/**
 * Cash shifts: a cashier's drawer from opening float to blind count.
 * - one OPEN shift per cashier (service check + unique partial index);
 * - every CASH payment taken while it is open carries its id (payments.shift_id, set by gate-exit);
 * - paid in / paid out / cash refunds are cash_movements with a reason;
 * - close = blind count: the cashier submits what is in the drawer, and only the answer carries
 *   the expected figure; |counted - expected| > tolerance -> NEEDS_APPROVAL (a supervisor approves
 *   with a note, audited); a shift with a PENDING online payment cannot close (PAYMENT_PENDING);
 * - an exit's ONLINE payment started while the cashier's shift is open carries its id too; the Z
 *   report's UPI and count lines are in ./shift-activity.ts.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { CashMovement, Shift, ShiftStatus } from '../../src-shared/contracts/entities.js';
import { roleAtLeast } from '../../src-shared/contracts/roles.js';
import { paiseToRupeesString } from '../../src-shared/domain/money.js';
import type { SyncEventType } from '../../src-shared/contracts/sync.js';
import { newId } from '../core/ids.js';
import { dayBounds, formatLocal } from '../reports/time.js';
import type { ShiftRow } from '../store/schema.js';
import type { Actor, ServiceContext } from './context.js';
import { laneShiftLines } from '../lane/shift-lines.js';
import { passShiftTotals, pendingPassUpi, type PassShiftTotals } from '../passes/shift-totals.js';
import { getSettings } from './settings.js';
import { shiftActivity } from './shift-activity.js';
import { iso } from './views.js';
import { drawerTotal, loadCounts, loadLines, saveCounts } from './shift-counts.js';
import type { DenominationLine } from '../../src-shared/contracts/cash-count.js';

export const NO_OPEN_SHIFT_MESSAGE = 'Open your cash shift (Shift screen) before taking cash.';

interface Figures { sales: number; salesCount: number; refunds: number; paidIn: number; paidOut: number; passes: PassShiftTotals }

function figures(ctx: ServiceContext, shiftId: string): Figures {
  const { q, db } = ctx.store;
  const sales = q.first(
    db.selectFrom('payments')
      .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>('amount_paise'), eb.lit(0)).as('total'), eb.fn.countAll<number>().as('n')])
      .where('shift_id', '=', shiftId).where('method', '=', 'CASH').where('status', 'in', ['SUCCESS', 'REFUNDED']),
  );
  const moves = q.all(
    db.selectFrom('cash_movements').select(['kind', (eb) => eb.fn.sum<number>('amount_paise').as('total')])
      .where('shift_id', '=', shiftId).groupBy('kind'),
  );
  const by = (kind: string) => Number(moves.find((m) => m.kind === kind)?.total ?? 0);
  return {
    sales: Number(sales?.total ?? 0), salesCount: Number(sales?.n ?? 0), refunds: by('REFUND'), paidIn: by('PAID_IN'), paidOut: by('PAID_OUT'),
    passes: passShiftTotals(ctx, shiftId),
  };
}

/** What the drawer must hold: float + cash sales + cash pass sales - cash refunds + paid in - paid out. */
export function expectedCash(row: Pick<ShiftRow, 'opening_float_paise'>, f: Figures): number {
  return row.opening_float_paise + f.sales + f.passes.cashPaise - f.refunds + f.paidIn - f.paidOut;
}

/** Tolerance boundary: a difference equal to the tolerance is still fine; one paisa more is not. */
export function closeStatus(differencePaise: number, tolerancePaise: number): ShiftStatus {
  return Math.abs(differencePaise) <= tolerancePaise ? 'CLOSED' : 'NEEDS_APPROVAL';
}

function operatorName(ctx: ServiceContext, id: string | null): string | null {
  if (!id) return null;
  const { q, db } = ctx.store;
  return q.first(db.selectFrom('operators').select('name').where('id', '=', id))?.name ?? null;
}

/**
 * The API view. `reveal` = false hides every figure that would give away the expected count while
 * the shift is still OPEN (the cashier's own view); supervisors see the running figures.
 */
function toShift(ctx: ServiceContext, row: ShiftRow, reveal: boolean): Shift {
  const f = figures(ctx, row.id);
  const hidden = row.status === 'OPEN' && !reveal;
  return {
    id: row.id,
    operatorId: row.operator_id,
    operatorName: operatorName(ctx, row.operator_id) ?? row.operator_id,
    openedAt: iso(row.opened_at)!,
    closedAt: iso(row.closed_at),
    openingFloatPaise: row.opening_float_paise,
    cashInPaise: f.paidIn,
    cashOutPaise: f.paidOut,
    cashSalesPaise: hidden ? null : f.sales,
    cashRefundsPaise: hidden ? null : f.refunds,
    cashPayments: hidden ? null : f.salesCount,
    passSales: hidden ? null : f.passes,
    activity: hidden ? null : shiftActivity(ctx, row),
    expectedPaise: row.status === 'OPEN' ? (hidden ? null : expectedCash(row, f)) : row.expected_paise,
    countedPaise: row.counted_paise,
    differencePaise: row.difference_paise,
    tolerancePaise: row.tolerance_paise,
    floatDenominations: loadLines(ctx, row.id, 'FLOAT'),
    countedDenominations: loadLines(ctx, row.id, 'COUNT'),
    status: row.status,
    note: row.note,
    approvedBy: row.approved_by,
    approvedByName: operatorName(ctx, row.approved_by),
    approvedAt: iso(row.approved_at),
    approvalNote: row.approval_note,
  };
}

function shiftRow(ctx: ServiceContext, shiftId: string): ShiftRow {
  const { q, db } = ctx.store;
  const row = q.first(db.selectFrom('shifts').selectAll().where('id', '=', shiftId));
  if (!row) throw new AppError('NOT_FOUND', 'No such shift.');
  return row;
}

/** The operator's OPEN shift, if any (used by gate-exit to attach cash payments). */
export function openShiftRow(ctx: ServiceContext, operatorId: string): ShiftRow | undefined {
  const { q, db } = ctx.store;
  return q.first(db.selectFrom('shifts').selectAll().where('operator_id', '=', operatorId).where('status', '=', 'OPEN'));
}

/** The open shift a cash operation must belong to; CONFLICT with a plain instruction when there is none. */
export function requireOpenShift(ctx: ServiceContext, actor: Actor): ShiftRow {
  const row = openShiftRow(ctx, actor.operatorId);
  if (!row) throw AppError.keyed('CONFLICT', 'shift.noOpenShift', {}, NO_OPEN_SHIFT_MESSAGE, { reason: 'NO_OPEN_SHIFT' });
  return row;
}

function record(ctx: ServiceContext, actor: Actor, action: `shift.${string}` & SyncEventType, shiftId: string, details: Record<string, unknown>): void {
  const { q, db } = ctx.store;
  ctx.audit.append({ operatorId: actor.operatorId, action, entityType: 'shift', entityId: shiftId, details });
  const shift = q.first(db.selectFrom('shifts').selectAll().where('id', '=', shiftId));
  const float = loadCounts(ctx, shiftId, 'FLOAT');
  const counted = loadCounts(ctx, shiftId, 'COUNT');
  const denominations = float || counted ? { denominations: { ...(float ? { float } : {}), ...(counted ? { counted } : {}) } } : {};
  ctx.outbox.append(action, shiftId, { shift, details, operatorId: actor.operatorId, ...denominations });
  ctx.changes.run({ action, entityType: 'shift', entityId: shiftId, paymentId: null });
}

/** Opens the actor's shift with a float given as a total, by note and coin (the core sums it), or both (they must agree). */
export function openShift(
  ctx: ServiceContext, actor: Actor, input: { openingFloatPaise?: number | undefined; floatCounts?: Record<string, number> | undefined },
): Shift {
  const { q, db } = ctx.store;
  const { totalPaise: openingFloatPaise, counts } = drawerTotal(input.openingFloatPaise, input.floatCounts, 'float');
  const row = q.tx(() => {
    const existing = openShiftRow(ctx, actor.operatorId);
    if (existing) {
      throw new AppError('CONFLICT', `You already have an open shift (since ${formatLocal(existing.opened_at, getSettings(ctx).timeZone)}). Close it first.`, { shiftId: existing.id });
    }
    const now = ctx.clock.now();
    const id = newId(ctx.clock);
    q.run(db.insertInto('shifts').values({
      id, operator_id: actor.operatorId, kiosk_id: ctx.kioskId, status: 'OPEN', opened_at: now, closed_at: null,
      opening_float_paise: openingFloatPaise, counted_paise: null, expected_paise: null, difference_paise: null,
      tolerance_paise: getSettings(ctx).shiftTolerancePaise, note: null, closed_by: null, approved_by: null,
      approved_at: null, approval_note: null, created_at: now, updated_at: now,
    }));
    if (counts) saveCounts(ctx, id, 'FLOAT', counts);
    record(ctx, actor, 'shift.opened', id, { openingFloatPaise, ...(counts ? { byDenomination: true } : {}) });
    return shiftRow(ctx, id);
  });
  return toShift(ctx, row, false);
}

export function currentShift(ctx: ServiceContext, actor: Actor): Shift | null {
  const row = openShiftRow(ctx, actor.operatorId);
  return row ? toShift(ctx, row, false) : null;
}

export function cashMovement(
  ctx: ServiceContext, actor: Actor, input: { kind: 'PAID_IN' | 'PAID_OUT'; amountPaise: number; reason: string },
): { shift: Shift; movement: CashMovement } {
  const { q, db } = ctx.store;
  const { shift, movement } = q.tx(() => {
    const shift = requireOpenShift(ctx, actor);
    const now = ctx.clock.now();
    const movement = {
      id: newId(ctx.clock), shift_id: shift.id, kind: input.kind, amount_paise: input.amountPaise, reason: input.reason,
      payment_id: null, operator_id: actor.operatorId, at: now,
    };
    q.run(db.insertInto('cash_movements').values(movement));
    q.run(db.updateTable('shifts').set({ updated_at: now }).where('id', '=', shift.id));
    record(ctx, actor, input.kind === 'PAID_IN' ? 'shift.paidIn' : 'shift.paidOut', shift.id, {
      movementId: movement.id, amountPaise: input.amountPaise, reason: input.reason,
    });
    return { shift: shiftRow(ctx, shift.id), movement };
  });
  return {
    shift: toShift(ctx, shift, false),
    movement: { id: movement.id, shiftId: movement.shift_id, kind: input.kind, amountPaise: movement.amount_paise, reason: movement.reason, at: iso(movement.at)!, paymentId: null },
  };
}

/**
 * A cash refund handed out of the actor's drawer (e.g. a supervisor-approved refund of a CASH
 * payment). Runs inside the caller's transaction; needs the actor's open shift.
 */
export function recordCashRefund(ctx: ServiceContext, actor: Actor, paymentId: string, amountPaise: number, reason: string): string {
  const shift = requireOpenShift(ctx, actor);
  const id = newId(ctx.clock);
  ctx.store.q.run(ctx.store.db.insertInto('cash_movements').values({
    id, shift_id: shift.id, kind: 'REFUND', amount_paise: amountPaise, reason, payment_id: paymentId, operator_id: actor.operatorId, at: ctx.clock.now(),
  }));
  record(ctx, actor, 'shift.cashRefund', shift.id, { movementId: id, paymentId, amountPaise, reason });
  return id;
}

function pendingOnlineOfShift(ctx: ServiceContext, shift: ShiftRow): number {
  const { q, db } = ctx.store;
  const r = q.first(
    db.selectFrom('payments').select((eb) => eb.fn.countAll<number>().as('n'))
      .where('method', '=', 'ONLINE').where('status', '=', 'PENDING')
      .where((eb) => eb.or([
        eb('shift_id', '=', shift.id),
        eb.and([eb('operator_id', '=', shift.operator_id), eb('created_at', '>=', shift.opened_at)]),
      ])),
  );
  return Number(r?.n ?? 0);
}

export function closeShift(
  ctx: ServiceContext, actor: Actor,
  input: { countedPaise?: number | undefined; countedCounts?: Record<string, number> | undefined; note?: string | undefined; shiftId?: string | undefined },
): { shift: Shift } {
  const { q, db } = ctx.store;
  const { totalPaise: countedPaise, counts } = drawerTotal(input.countedPaise, input.countedCounts, 'count');
  const row = q.tx(() => {
    let shift: ShiftRow;
    if (input.shiftId) {
      shift = shiftRow(ctx, input.shiftId);
      if (shift.operator_id !== actor.operatorId && !roleAtLeast(actor.role, 'SUPERVISOR')) {
        throw new AppError('FORBIDDEN', 'This is another cashier\'s shift. Only they or a supervisor can close it.');
      }
      if (shift.status !== 'OPEN') throw new AppError('CONFLICT', 'This shift is already closed.');
    } else {
      const own = openShiftRow(ctx, actor.operatorId);
      if (!own) throw new AppError('NOT_FOUND', 'You have no open shift to close.');
      shift = own;
    }
    const pending = pendingOnlineOfShift(ctx, shift) + pendingPassUpi(ctx, shift.id);
    if (pending > 0) {
      throw new AppError('PAYMENT_PENDING', `${pending} online payment(s) of this shift are still pending. Wait for them or cancel them, then close.`, { pending });
    }
    const f = figures(ctx, shift.id);
    const expected = expectedCash(shift, f);
    const difference = countedPaise - expected;
    const tolerance = getSettings(ctx).shiftTolerancePaise;
    const status = closeStatus(difference, tolerance);
    const now = ctx.clock.now();
    const activity = shiftActivity(ctx, { ...shift, closed_at: now });
    const changed = q.run(db.updateTable('shifts').set({
      status, closed_at: now, counted_paise: countedPaise, expected_paise: expected, difference_paise: difference,
      tolerance_paise: tolerance, note: input.note || null, closed_by: actor.operatorId, updated_at: now,
    }).where('id', '=', shift.id).where('status', '=', 'OPEN'));
    if (changed !== 1) throw new AppError('CONFLICT', 'This shift is already closed.');
    if (counts) saveCounts(ctx, shift.id, 'COUNT', counts);
    record(ctx, actor, 'shift.closed', shift.id, {
      countedPaise, expectedPaise: expected, differencePaise: difference, tolerancePaise: tolerance, status,
      cashSalesPaise: f.sales, passCashPaise: f.passes.cashPaise, passUpiPaise: f.passes.upiPaise, cashRefundsPaise: f.refunds, paidInPaise: f.paidIn, paidOutPaise: f.paidOut,
      upiPaise: activity.upiPaise, upiFlaggedPaise: activity.upiFlaggedPaise, ticketsIssued: activity.ticketsIssued,
      lostTicketExits: activity.lostTicketExits, freeExits: activity.freeExits, note: input.note ?? null,
    });
    return shiftRow(ctx, shift.id);
  });
  return { shift: toShift(ctx, row, true) };
}

export function approveShift(ctx: ServiceContext, actor: Actor, shiftId: string, note: string): { shift: Shift } {
  const { q, db } = ctx.store;
  const row = q.tx(() => {
    const shift = shiftRow(ctx, shiftId);
    if (shift.status !== 'NEEDS_APPROVAL') {
      throw new AppError('CONFLICT', shift.status === 'OPEN' ? 'This shift is still open.' : 'This shift does not need approval.');
    }
    if (shift.operator_id === actor.operatorId) {
      throw new AppError('FORBIDDEN', 'You cannot approve your own shift. Ask another supervisor.');
    }
    const now = ctx.clock.now();
    q.run(db.updateTable('shifts').set({ status: 'APPROVED', approved_by: actor.operatorId, approved_at: now, approval_note: note, updated_at: now })
      .where('id', '=', shiftId).where('status', '=', 'NEEDS_APPROVAL'));
    record(ctx, actor, 'shift.approved', shiftId, { note, differencePaise: shift.difference_paise, tolerancePaise: shift.tolerance_paise });
    return shiftRow(ctx, shiftId);
  });
  return { shift: toShift(ctx, row, true) };
}

export function listShifts(ctx: ServiceContext, input: { date?: string | undefined; status?: ShiftStatus | undefined }): Shift[] {
  const { q, db } = ctx.store;
  let query = db.selectFrom('shifts').selectAll().orderBy('opened_at', 'desc').limit(500);
  if (input.status) query = query.where('status', '=', input.status);
  if (input.date) {
    const { start, end } = dayBounds(input.date, getSettings(ctx).timeZone);
    query = query.where('opened_at', '<', end).where((eb) => eb.or([eb('closed_at', 'is', null), eb('closed_at', '>=', start)]));
  }
  return q.all(query).map((r) => toShift(ctx, r, true));
}

function movementsOf(ctx: ServiceContext, shiftId: string): CashMovement[] {
  const { q, db } = ctx.store;
  const payments = q.all(
    db.selectFrom('payments').select(['id', 'amount_paise', 'completed_at', 'created_at', 'session_id'])
      .where('shift_id', '=', shiftId).where('method', '=', 'CASH').where('status', 'in', ['SUCCESS', 'REFUNDED']),
  ).map((p): CashMovement => ({
    id: p.id, shiftId, kind: 'PAYMENT', amountPaise: p.amount_paise, reason: null, at: iso(p.completed_at ?? p.created_at)!, paymentId: p.id,
  }));
  const moves = q.all(db.selectFrom('cash_movements').selectAll().where('shift_id', '=', shiftId)).map((m): CashMovement => ({
    id: m.id, shiftId, kind: m.kind, amountPaise: m.amount_paise, reason: m.reason, at: iso(m.at)!, paymentId: m.payment_id,
  }));
  return [...payments, ...moves].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
}

const W = 40;
const line = (label: string, value: string) => `${label}${' '.repeat(Math.max(1, W - label.length - value.length))}${value}`;
const money = (paise: number | null) => (paise == null ? '-' : paiseToRupeesString(paise));

/** A count by note and coin for the Z report: pieces x value = amount, the denominations held only. */
function denominationLines(title: string, lines: DenominationLine[] | null | undefined): string[] {
  if (!lines) return [];
  const held = lines.filter((l) => l.count > 0);
  const total = lines.reduce((sum, l) => sum + l.totalPaise, 0);
  return [
    '-'.repeat(W),
    title,
    ...(held.length ? held : []).map((l) => line(`  ${l.kind === 'NOTE' ? 'Note' : 'Coin'} ${paiseToRupeesString(l.valuePaise).replace(/\.00$/, '').padStart(3)} x ${l.count}`, money(l.totalPaise))),
    ...(held.length ? [] : ['  (none)']),
    line('  Total', money(total)),
  ];
}

/** Season pass sales as their own lines: cash (in the drawer) and UPI (not), with their counts. */
function passLines(shift: Shift): string[] {
  const p = shift.passSales;
  if (!p || p.cashCount + p.upiCount === 0) return [];
  return [line(`Pass sales cash (${p.cashCount})`, money(p.cashPaise)), line(`Pass sales UPI (${p.upiCount})`, money(p.upiPaise))];
}

/** Parking UPI (collected, not in the drawer; late ones apart) and the kiosk's counts in the shift's window. */
function activityLines(shift: Shift): string[] {
  const a = shift.activity;
  if (!a) return [];
  return [
    '-'.repeat(W),
    line(`Parking UPI (${a.upiCount})`, money(a.upiPaise)),
    ...(a.upiFlaggedCount ? [line(`UPI flagged, not counted (${a.upiFlaggedCount})`, money(a.upiFlaggedPaise))] : []),
    line('Tickets issued', String(a.ticketsIssued)),
    line('Lost-ticket exits', String(a.lostTicketExits)),
    line('Free exits (nothing due)', String(a.freeExits)),
  ];
}

/** The printable Z report (40 columns, fits a receipt printer). */
export function zReportText(ctx: ServiceContext, shift: Shift, movements: CashMovement[]): string {
  const { facilityName, timeZone } = getSettings(ctx);
  const t = (isoText: string | null) => (isoText ? formatLocal(Date.parse(isoText), timeZone) : '-');
  const rule = '-'.repeat(W);
  const out = [
    facilityName.slice(0, W),
    shift.status === 'OPEN' ? 'X REPORT (shift still open)' : 'Z REPORT - cash shift',
    rule,
    line('Shift', shift.id.slice(-12)),
    line('Cashier', shift.operatorName.slice(0, 28)),
    line('Opened', t(shift.openedAt)),
    line('Closed', t(shift.closedAt)),
    line('Time zone', timeZone),
    rule,
    line('Opening float', money(shift.openingFloatPaise)),
    line(`Cash sales (${shift.cashPayments ?? 0})`, money(shift.cashSalesPaise)),
    ...passLines(shift),
    line('Cash refunds', money(shift.cashRefundsPaise == null ? null : -shift.cashRefundsPaise)),
    line('Paid in', money(shift.cashInPaise)),
    line('Paid out', money(-shift.cashOutPaise)),
    line('Expected in drawer', money(shift.expectedPaise)),
    line('Counted', money(shift.countedPaise)),
    line('Difference', money(shift.differencePaise)),
    line('Tolerance', money(shift.tolerancePaise)),
    line('Status', shift.status),
    ...activityLines(shift),
  ];
  out.push(...denominationLines('Float by denomination', shift.floatDenominations), ...denominationLines('Counted by denomination', shift.countedDenominations));
  if (shift.note) out.push(`Note: ${shift.note}`);
  if (shift.approvedByName) out.push(`Approved by ${shift.approvedByName} at ${t(shift.approvedAt)}`, `  "${shift.approvalNote ?? ''}"`);
  const manual = movements.filter((m) => m.kind !== 'PAYMENT');
  if (manual.length) {
    out.push(rule, 'Movements');
    for (const m of manual) {
      const amount = m.kind === 'PAID_IN' ? m.amountPaise : -m.amountPaise;
      out.push(line(`${t(m.at).slice(11)} ${m.kind}`, money(amount)), `  ${(m.reason ?? '').slice(0, W - 2)}`);
    }
  }
  ctx.lane.flush(); // the lane's latest records first
  out.push(...laneShiftLines(ctx, shift.id, t));
  out.push(rule, 'Cashier signature:', '', 'Supervisor signature:', '');
  return out.join('\n');
}

export function shiftReport(ctx: ServiceContext, actor: Actor, shiftId: string): { shift: Shift; movements: CashMovement[]; text: string } {
  const row = shiftRow(ctx, shiftId);
  const supervisor = roleAtLeast(actor.role, 'SUPERVISOR');
  if (row.operator_id !== actor.operatorId && !supervisor) {
    throw new AppError('FORBIDDEN', 'This is another cashier\'s shift. Ask a supervisor for its report.');
  }
  if (row.status === 'OPEN' && !supervisor) {
    throw new AppError('CONFLICT', 'Count the drawer and close the shift first; the report shows after the blind count.');
  }
  const shift = toShift(ctx, row, true);
  const movements = movementsOf(ctx, shiftId);
  return { shift, movements, text: zReportText(ctx, shift, movements) };
}
