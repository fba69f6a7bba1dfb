/**
 * Other gates' ticket-verification keys (arrive through sync). Stored in sync_ticket_keys
 * encrypted with AES-256-GCM under a key derived from this kiosk's own ticket secret, which lives
 * in the secrets file beside the database (src-main/core/secrets.ts), so a copied database alone
 * does not reveal any key. Secrets never go to logs: only key ids do.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { TicketKey } from '../../src-shared/domain/ticket-codec.js';
import type { Store } from '../store/open.js';

const CONTEXT = 'parkgate/remote-ticket-keys/v1';

export class RemoteTicketKeys {
  private readonly wrapKey: Buffer;
  private readonly cache = new Map<string, Uint8Array>();

  constructor(private readonly store: Store, private readonly own: TicketKey) {
    this.wrapKey = createHmac('sha256', Buffer.from(own.secret)).update(CONTEXT).digest();
  }

  /** TicketKeyLookup: own key first, then keys received from other gates. */
  readonly lookup = (keyId: string): Uint8Array | undefined => {
    if (keyId === this.own.id) return this.own.secret;
    const hit = this.cache.get(keyId);
    if (hit) return hit;
    const { q, db } = this.store;
    const row = q.first(db.selectFrom('sync_ticket_keys').select('secret_enc').where('key_id', '=', keyId));
    if (!row) return undefined;
    const secret = this.decrypt(keyId, row.secret_enc);
    if (secret) this.cache.set(keyId, secret);
    return secret ?? undefined;
  };

  /** The kiosk a synced key belongs to (compact tickets name their kiosk only through the key). */
  readonly kioskOf = (keyId: string): string | undefined => {
    const { q, db } = this.store;
    return q.first(db.selectFrom('sync_ticket_keys').select('kiosk_id').where('key_id', '=', keyId))?.kiosk_id ?? undefined;
  };

  /** Stores a key received through sync (inside the caller's transaction). Keys are immutable. */
  put(keyId: string, kioskId: string, secretBase64: string, now: number): void {
    if (keyId === this.own.id) return;
    const secret = Buffer.from(secretBase64, 'base64');
    if (secret.length < 16) return;
    const { q, db } = this.store;
    q.run(db.insertInto('sync_ticket_keys').values({ key_id: keyId, kiosk_id: kioskId, secret_enc: this.encrypt(keyId, secret), received_at: now })
      .onConflict((oc) => oc.doNothing()));
  }

  /** The own key as published to the server. */
  ownForPublish(): { keyId: string; secret: string } {
    return { keyId: this.own.id, secret: Buffer.from(this.own.secret).toString('base64') };
  }

  private encrypt(keyId: string, secret: Uint8Array): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.wrapKey, iv);
    c.setAAD(Buffer.from(keyId));
    const ct = Buffer.concat([c.update(secret), c.final()]);
    return ['v1', iv.toString('base64'), c.getAuthTag().toString('base64'), ct.toString('base64')].join('.');
  }

  private decrypt(keyId: string, text: string): Uint8Array | null {
    const [v, iv, tag, ct] = text.split('.');
    if (v !== 'v1' || !iv || !tag || !ct) return null;
    try {
      const d = createDecipheriv('aes-256-gcm', this.wrapKey, Buffer.from(iv, 'base64'));
      d.setAAD(Buffer.from(keyId));
      d.setAuthTag(Buffer.from(tag, 'base64'));
      return new Uint8Array(Buffer.concat([d.update(Buffer.from(ct, 'base64')), d.final()]));
    } catch {
      return null;
    }
  }
}
