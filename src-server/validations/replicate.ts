/**
 * The validation events of a push: merchants and programs replicate to every gate by id (last
 * writer by HLC, as operators do); prepaid ledger entries and validations go to every gate; a
 * validation code's use goes to the redemption fold. Validations and ledger entries are also
 * indexed for merchants' pre-validations (prevalidate.ts: one per program per visit, balance).
 */
import type { MerchantSnap, ProgramSnap, ValidationSnap } from '../../src-shared/contracts/validations.js';
import { upsertEntity } from '../sync/replicated-entities.js';
import type { Batch, SyncWriter, Tx } from '../sync/write-batch.js';
import { recordRedemptions } from './redemptions.js';

export interface ValidationEvent { id: string; type: string; hlc: string; payload: object }

export async function applyValidationEvents(w: SyncWriter, trx: Tx, b: Batch, kioskId: string, events: ValidationEvent[]): Promise<void> {
  if (events.length === 0) return;
  for (const e of events) {
    if (e.type === 'merchant.upserted') {
      const m = (e.payload as { merchant: MerchantSnap }).merchant;
      if (await upsertEntity(w, trx, b, 'merchant', m.id, m.name.toLowerCase(), e.hlc, m)) {
        b.pending.push({ entityType: 'merchant', entityId: m.id, originKioskId: kioskId, data: { kind: 'merchant', merchant: m } });
      }
    } else if (e.type === 'validationProgram.upserted') {
      const p = (e.payload as { program: ProgramSnap }).program;
      if (await upsertEntity(w, trx, b, 'validationProgram', p.id, null, e.hlc, p)) {
        b.pending.push({ entityType: 'validationProgram', entityId: p.id, originKioskId: kioskId, data: { kind: 'validationProgram', program: p } });
      }
    } else if (e.type === 'validation.applied' || e.type === 'validation.settled') {
      const v = (e.payload as { validation: ValidationSnap }).validation;
      await trx.insertInto('server_validations').values({
        validation_id: v.id, facility_id: b.facilityId, session_id: v.session_id, program_id: v.program_id, merchant_id: v.merchant_id,
        kiosk_id: kioskId, credential_id: null, bill_paise: v.bill_paise, created_at: v.created_at,
      }).onConflict((oc) => oc.column('validation_id').doNothing()).execute();
      b.pending.push({ entityType: 'validation', entityId: v.id, originKioskId: kioskId, data: { kind: 'validation', validation: v } });
    } else if (e.type === 'merchant.ledger') {
      const entry = (e.payload as { entry: { id: string; merchant_id: string; amount_paise: number; at: number } }).entry;
      await trx.insertInto('merchant_ledger_entries').values({ id: entry.id, facility_id: b.facilityId, merchant_id: entry.merchant_id, amount_paise: entry.amount_paise, at: entry.at })
        .onConflict((oc) => oc.column('id').doNothing()).execute();
      b.pending.push({ entityType: 'merchantLedger', entityId: entry.id, originKioskId: kioskId, data: { kind: 'merchantLedger', entry } });
    }
  }
  const uses = events.filter((e) => e.type === 'validation.applied') as { id: string; hlc: string; payload: { validation: ValidationSnap } }[];
  await recordRedemptions(w, trx, kioskId, uses);
}
