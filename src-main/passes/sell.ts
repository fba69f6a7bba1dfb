/**
 * Selling and renewing a season pass at the cash desk. The cash goes into the cashier's open
 * shift as a pass sale row (pass_sales: the payments table is per parking session); the sale and
 * the pass replicate. Every refusal is a typed error and changes nothing.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { PassSaleResult } from '../../src-shared/contracts/passes.js';
import type { z } from 'zod';
import type { passSellSchema } from '../../src-shared/contracts/passes.js';
import { localParts, passPlates, passProblems, periodValidity, type SeasonPass } from '../../src-shared/domain/season-pass.js';
import { signPassCode } from '../../src-shared/domain/season-pass-code.js';
import { newId } from '../core/ids.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { getSettings } from '../services/settings.js';
import { requireOpenShift } from '../services/shifts.js';
import { facilityId } from '../validations/facility.js';
import { passRow, passView, recordPass, toPass } from './records.js';

type SellInput = z.output<typeof passSellSchema>;

function localDay(ms: number, tz: string): string {
  const l = localParts(ms, tz);
  return `${l.year}-${String(l.month).padStart(2, '0')}-${String(l.day).padStart(2, '0')}`;
}

function validityOf(kind: SeasonPass['kind'], tz: string, startDay: string, custom: { validFrom?: string | undefined; validUntil?: string | undefined }) {
  if (kind !== 'CUSTOM') return periodValidity(kind, startDay, tz);
  if (!custom.validFrom || !custom.validUntil) throw new AppError('VALIDATION_FAILED', 'A custom pass needs validFrom and validUntil.', { reason: 'DATES_REQUIRED' });
  return { validFromMs: Date.parse(custom.validFrom), validUntilMs: Date.parse(custom.validUntil) };
}

/** How a sale is paid: cash handed over now, or a UPI payment the server verified (src-main/passes/upi-sale.ts). */
export type PassTender = { method: 'CASH'; tenderedPaise: number } | { method: 'UPI'; paymentId: string; shiftId: string };

function takeCash(ctx: ServiceContext, actor: Actor, passId: string, kind: 'SALE' | 'RENEWAL', price: number, tender: PassTender, v: { validFromMs: number; validUntilMs: number }) {
  const shiftId = tender.method === 'UPI' ? tender.shiftId : requireOpenShift(ctx, actor).id;
  const tendered = tender.method === 'CASH' ? tender.tenderedPaise : price;
  if (tendered < price) throw new AppError('INSUFFICIENT_TENDER', undefined, { amountDuePaise: price, tenderedPaise: tendered });
  const sale = {
    id: newId(ctx.clock), pass_id: passId, kind, method: tender.method, amount_paise: price, shift_id: shiftId, operator_id: actor.operatorId,
    valid_from: v.validFromMs, valid_until: v.validUntilMs, kiosk_id: ctx.kioskId, created_at: ctx.clock.now(),
    payment_id: tender.method === 'UPI' ? tender.paymentId : null,
  };
  ctx.store.q.run(ctx.store.db.insertInto('pass_sales').values(sale));
  const { payment_id: _p, ...snap } = sale;
  void _p;
  ctx.outbox.append('pass.sold', sale.id, { sale: snap });
  return { saleId: sale.id, changePaise: tendered - price };
}

function assertZones(ctx: ServiceContext, zones: readonly string[]): void {
  const { q, db } = ctx.store;
  for (const z of zones) if (!q.first(db.selectFrom('zones').select('id').where('id', '=', z))) throw new AppError('NOT_FOUND', 'No such zone. Pick a zone from the list.', { zoneId: z });
}

export function sellPass(ctx: ServiceContext, actor: Actor, input: SellInput, tender: PassTender = { method: 'CASH', tenderedPaise: input.tenderedPaise }): PassSaleResult {
  const { q, db } = ctx.store;
  return q.tx(() => {
    const tz = getSettings(ctx).timeZone;
    const now = ctx.clock.now();
    const v = validityOf(input.kind, tz, input.startDay ?? localDay(now, tz), input);
    const id = newId(ctx.clock);
    const zones = [...new Set(input.zones ?? [])];
    const pass: SeasonPass = {
      id, kind: input.kind, plates: passPlates(input.plates), cardId: input.cardId ?? null, zones, hours: input.hours ?? null,
      ...v, maxCars: input.maxCars ?? 1, antiPassback: input.antiPassback ?? 'HARD',
    };
    const problems = passProblems(pass);
    if (problems.length > 0) throw new AppError('VALIDATION_FAILED', `This pass cannot be sold: ${problems.join('; ')}.`, { problems });
    if (v.validUntilMs <= now) throw new AppError('VALIDATION_FAILED', 'This pass would already have ended.', { reason: 'ALREADY_ENDED' });
    assertZones(ctx, zones);
    if (pass.cardId && q.first(db.selectFrom('season_passes').select('id').where('card_id', '=', pass.cardId))) {
      throw new AppError('CONFLICT', 'This card is already on another pass.', { reason: 'CARD_IN_USE' });
    }
    q.run(db.insertInto('season_passes').values({
      id, kind: pass.kind, holder_name: input.holderName, plates: JSON.stringify(pass.plates), card_id: pass.cardId, zones: JSON.stringify(zones),
      hours: pass.hours ? JSON.stringify(pass.hours) : null, valid_from: v.validFromMs, valid_until: v.validUntilMs, max_cars: pass.maxCars,
      anti_passback: pass.antiPassback, price_paise: input.pricePaise, created_at: now, updated_at: now,
    }));
    const cash = takeCash(ctx, actor, id, 'SALE', input.pricePaise, tender, v);
    recordPass(ctx, actor, 'pass.sold', id, { kind: pass.kind, holderName: input.holderName, pricePaise: input.pricePaise, saleId: cash.saleId, validUntil: new Date(v.validUntilMs).toISOString() });
    return { pass: passView(ctx, passRow(ctx, id)), code: signPassCode(id, facilityId(ctx), ctx.ticketKey), ...cash };
  });
}

/** Extends a pass by its period from its end (or from today when it has ended); a custom pass takes a new end. */
export function renewPass(
  ctx: ServiceContext, actor: Actor, input: { passId: string; pricePaise: number; tenderedPaise: number; validUntil?: string | undefined },
  tender: PassTender = { method: 'CASH', tenderedPaise: input.tenderedPaise },
): PassSaleResult {
  const { q, db } = ctx.store;
  return q.tx(() => {
    const cur = passRow(ctx, input.passId);
    const tz = getSettings(ctx).timeZone;
    const now = ctx.clock.now();
    const from = Math.max(now, cur.valid_until);
    let until: number;
    if (cur.kind === 'CUSTOM') {
      if (!input.validUntil) throw new AppError('VALIDATION_FAILED', 'A custom pass needs the new validUntil.', { reason: 'DATES_REQUIRED' });
      until = Date.parse(input.validUntil);
    } else until = periodValidity(cur.kind, localDay(from, tz), tz).validUntilMs;
    if (until <= cur.valid_until || until <= now) throw new AppError('VALIDATION_FAILED', 'The renewal must end after the pass does now.', { reason: 'NOT_LATER' });
    const validFrom = cur.valid_until > now ? cur.valid_from : toPass(cur).kind === 'CUSTOM' ? now : periodValidity(cur.kind as 'MONTHLY', localDay(now, tz), tz).validFromMs;
    q.run(db.updateTable('season_passes').set({ valid_from: validFrom, valid_until: until, price_paise: input.pricePaise, updated_at: now }).where('id', '=', cur.id));
    const cash = takeCash(ctx, actor, cur.id, 'RENEWAL', input.pricePaise, tender, { validFromMs: validFrom, validUntilMs: until });
    recordPass(ctx, actor, 'pass.renewed', cur.id, { pricePaise: input.pricePaise, saleId: cash.saleId, validUntil: new Date(until).toISOString() });
    return { pass: passView(ctx, passRow(ctx, cur.id)), code: signPassCode(cur.id, facilityId(ctx), ctx.ticketKey), ...cash };
  });
}

export function passCode(ctx: ServiceContext, passId: string): { code: string } {
  return { code: signPassCode(passRow(ctx, passId).id, facilityId(ctx), ctx.ticketKey) };
}
