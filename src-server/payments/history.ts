/** Appends to payment_history (every state change, with its source) inside the caller's transaction. */
import type { Kysely } from 'kysely';
import type { ServerDatabase } from '../db/schema.js';
import type { Clock } from '../util/clock.js';
import { uuidv7 } from '../util/ids.js';

export async function recordHistory(
  trx: Kysely<ServerDatabase>,
  clock: Clock,
  h: { paymentId: string; from: string | null; to: string; source: string; detail?: string | null },
): Promise<void> {
  await trx
    .insertInto('payment_history')
    .values({ id: uuidv7(clock), payment_id: h.paymentId, from_status: h.from, to_status: h.to, source: h.source, detail: h.detail ?? null, at: clock.now() })
    .execute();
}
