/**
 * The validation events of a push: merchants and programs replicate to every gate by id (last
 * writer by HLC, as operators do); prepaid ledger entries and validations go to every gate; a
 * validation code's use goes to the redemption fold.
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
      b.pending.push({ entityType: 'validation', entityId: v.id, originKioskId: kioskId, data: { kind: 'validation', validation: v } });
    } else if (e.type === 'merchant.ledger') {
      const entry = (e.payload as { entry: { id: string } }).entry;
      b.pending.push({ entityType: 'merchantLedger', entityId: entry.id, originKioskId: kioskId, data: { kind: 'merchantLedger', entry } });
    }
  }
  const uses = events.filter((e) => e.type === 'validation.applied') as { id: string; hlc: string; payload: { validation: ValidationSnap } }[];
  await recordRedemptions(w, trx, kioskId, uses);
}
