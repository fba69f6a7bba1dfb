/**
 * Transactional outbox: every state change writes one immutable event in the same transaction
 * (DESIGN.md §5). append() must run inside the caller's transaction.
 * The payload is built by the event type's schema in the sync contract
 * (src-shared/contracts/sync.ts): only the declared fields are written, so a new column in a
 * kiosk table never changes the wire format by itself, and a payload that does not match its
 * schema is a bug that fails the operation here instead of being parked by the server later.
 */
import { SYNC_EVENT_PAYLOADS, SYNC_PROTOCOL_VERSION, type SyncEventType } from '../../src-shared/contracts/sync.js';
import { decodeHlc, encodeHlc, hlcNow, type Hlc } from '../../src-shared/domain/hlc.js';
import type { Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import type { Store } from '../store/open.js';

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

  append(type: SyncEventType, entityId: string | null, payload: object): string {
    const parsed = SYNC_EVENT_PAYLOADS[type].safeParse(payload);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`outbox: ${type} payload does not match its sync schema (${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`);
    }
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
        payload: JSON.stringify(parsed.data),
        schema_version: SYNC_PROTOCOL_VERSION,
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
