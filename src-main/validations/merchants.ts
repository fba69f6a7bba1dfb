/** Merchant accounts (shops, cinema, hospital desk) and their prepaid top-ups. */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Merchant } from '../../src-shared/contracts/validations.js';
import { newId } from '../core/ids.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { merchantRow, merchantView, recordMerchant } from './records.js';

export function listMerchants(ctx: ServiceContext, includeInactive = false): Merchant[] {
  const { q, db } = ctx.store;
  let query = db.selectFrom('merchants').selectAll().orderBy('name');
  if (!includeInactive) query = query.where('is_active', '=', 1);
  return q.all(query).map((r) => merchantView(ctx, r));
}

function assertNameFree(ctx: ServiceContext, name: string, exceptId?: string): void {
  const { q, db } = ctx.store;
  const clash = q.all(db.selectFrom('merchants').select(['id', 'name'])).find((m) => m.name.toLowerCase() === name.toLowerCase() && m.id !== exceptId);
  if (clash) throw new AppError('CONFLICT', `A merchant named ${name} already exists.`);
}

export function createMerchant(ctx: ServiceContext, actor: Actor, input: { name: string; prepaid: boolean }): Merchant {
  const { q, db } = ctx.store;
  return q.tx(() => {
    assertNameFree(ctx, input.name);
    const now = ctx.clock.now();
    const id = newId(ctx.clock);
    q.run(db.insertInto('merchants').values({ id, name: input.name, prepaid: input.prepaid ? 1 : 0, is_active: 1, created_at: now, updated_at: now }));
    recordMerchant(ctx, actor, 'merchant.created', id, { name: input.name, prepaid: input.prepaid });
    return merchantView(ctx, merchantRow(ctx, id));
  });
}

export function updateMerchant(ctx: ServiceContext, actor: Actor, input: { merchantId: string; name?: string | undefined; isActive?: boolean | undefined }): Merchant {
  const { q, db } = ctx.store;
  return q.tx(() => {
    const cur = merchantRow(ctx, input.merchantId);
    if (input.name !== undefined) assertNameFree(ctx, input.name, cur.id);
    q.run(db.updateTable('merchants').set({
      name: input.name ?? cur.name, is_active: input.isActive === undefined ? cur.is_active : input.isActive ? 1 : 0, updated_at: ctx.clock.now(),
    }).where('id', '=', cur.id));
    recordMerchant(ctx, actor, 'merchant.updated', cur.id, { name: input.name, isActive: input.isActive });
    return merchantView(ctx, merchantRow(ctx, cur.id));
  });
}

export function topUpMerchant(ctx: ServiceContext, actor: Actor, merchantId: string, amountPaise: number): Merchant {
  const { q, db } = ctx.store;
  return q.tx(() => {
    const m = merchantRow(ctx, merchantId);
    if (m.prepaid !== 1) throw new AppError('CONFLICT', `${m.name} is billed afterwards, not prepaid: there is no balance to top up.`);
    const entry = { id: newId(ctx.clock), merchant_id: m.id, kind: 'TOPUP' as const, amount_paise: amountPaise, validation_id: null, operator_id: actor.operatorId, kiosk_id: ctx.kioskId, at: ctx.clock.now() };
    q.run(db.insertInto('merchant_ledger').values(entry));
    ctx.audit.append({ operatorId: actor.operatorId, action: 'merchant.toppedUp', entityType: 'merchant', entityId: m.id, details: { amountPaise } });
    ctx.outbox.append('merchant.ledger', entry.id, { entry });
    return merchantView(ctx, m);
  });
}
