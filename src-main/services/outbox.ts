/**
 * Transactional outbox: every state change writes one immutable event in the same transaction
 * (DESIGN.md §5). append() must run inside the caller's transaction.
 */
import { decodeHlc, encodeHlc, hlcNow, type Hlc } from '../../src-shared/domain/hlc.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import type { Store } from '../store/open.js';

export const EVENT_SCHEMA_VERSION = 1;

export class Outbox {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly kioskId: string,
  ) {}

  private nextHlc(): string {
    const { q, db } = this.store;
    const stored = q.first(db.selectFrom('meta').select('value').where('key', '=', 'hlc'));
    const prev: Hlc = (stored && decodeHlc(stored.value)) || { wallMs: 0, counter: 0, node: this.kioskId };
    const next = encodeHlc(hlcNow(prev, this.clock.now()));
    q.run(
      db.insertInto('meta').values({ key: 'hlc', value: next }).onConflict((oc) => oc.column('key').doUpdateSet({ value: next })),
    );
    return next;
  }

  append(type: string, entityId: string | null, payload: unknown): string {
    const { q, db } = this.store;
    const last = q.first(
      db.selectFrom('outbox').select((eb) => eb.fn.max('seq').as('seq')).where('kiosk_id', '=', this.kioskId),
    );
    const id = newId(this.clock);
    q.run(
      db.insertInto('outbox').values({
        id,
        kiosk_id: this.kioskId,
        seq: (last?.seq ?? 0) + 1,
        hlc: this.nextHlc(),
        type,
        entity_id: entityId,
        payload: JSON.stringify(payload),
        schema_version: EVENT_SCHEMA_VERSION,
        created_at: this.clock.now(),
      }),
    );
    return id;
  }

  pendingCount(): number {
    const { q, db } = this.store;
    const r = q.first(db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'PENDING'));
    return r?.n ?? 0;
  }
}
