/**
 * Secrets at rest in the server database (kiosk signing keys, gates' ticket secrets): AES-256-GCM
 * with a key from SECRETS_KEY, stored as `enc:v1:<iv b64url>:<ciphertext+tag b64url>`. The
 * purpose (which column the value belongs to) is authenticated data, so a sealed value moved to
 * another column does not open. Whoever reads server.db (or its WAL, or a backup) without the key
 * cannot sign as a kiosk or forge a ticket.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

export type SecretPurpose = 'kiosk-signing-key' | 'ticket-secret';

/**
 * The development key: public on purpose (it is in the source), so a dev or test database is
 * encrypted exactly like a production one and the same code runs; production refuses to start
 * without its own SECRETS_KEY (src-server/config.ts).
 */
export const DEV_SECRETS_KEY = createHash('sha256').update('parkgate development secrets key: NOT SECRET, never for production').digest();

export class SecretBoxError extends Error {
  override name = 'SecretBoxError';
}

export class SecretBox {
  constructor(private readonly key: Uint8Array) {
    if (key.length !== 32) throw new SecretBoxError('SECRETS_KEY must be 32 bytes');
  }

  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  seal(purpose: SecretPurpose, plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(purpose));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${iv.toString('base64url')}:${body.toString('base64url')}`;
  }

  /** The plain value; a value stored before encryption (no prefix) is returned as is until the start-up pass seals it. */
  open(purpose: SecretPurpose, stored: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    const [ivText, bodyText] = stored.slice(PREFIX.length).split(':');
    const iv = Buffer.from(ivText ?? '', 'base64url');
    const body = Buffer.from(bodyText ?? '', 'base64url');
    if (iv.length !== 12 || body.length < 16) throw new SecretBoxError('a sealed secret is malformed');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('a secret in the database does not open with SECRETS_KEY (wrong key?)');
    }
  }
}

/** SECRETS_KEY as given: 64 hex digits or base64 / base64url of 32 bytes. Null when it is neither. */
export function parseSecretsKey(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return b.length === 32 ? b : null;
  }
  return null;
}
