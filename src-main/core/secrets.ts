/**
 * Kiosk secrets (ticket-signing key) kept beside the database in a file readable only by the
 * service user, never in the database. Created once, atomically, so processes sharing one
 * database file share one key.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

export interface KioskSecrets {
  ticketKeyId: string;
  ticketSecret: Uint8Array;
}

interface SecretsFile {
  ticketKeyId: string;
  ticketSecret: string;
}

export function secretsPathFor(dbPath: string): string {
  return `${dbPath}.secrets.json`;
}

function parse(text: string): KioskSecrets {
  const data = JSON.parse(text) as SecretsFile;
  return { ticketKeyId: data.ticketKeyId, ticketSecret: Buffer.from(data.ticketSecret, 'base64') };
}

export function loadOrCreateSecrets(path: string): KioskSecrets {
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const fresh: SecretsFile = {
    ticketKeyId: `k${randomBytes(4).toString('hex')}`,
    ticketSecret: randomBytes(32).toString('base64'),
  };
  try {
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, JSON.stringify(fresh));
    } finally {
      closeSync(fd);
    }
    return parse(JSON.stringify(fresh));
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return parse(readFileSync(path, 'utf8'));
    throw err;
  }
}
