/**
 * Gates for the pass property tests (anti-passback, reserved spaces): n real kiosk cores on the
 * in-process server, gate 0 copied from a seeded template, signed-in tokens for the attendant and
 * the cashier, and an API caller that collects unexpected errors (INTERNAL, VALIDATION_FAILED).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { createKiosk, type Kiosk } from '../../src-main/kiosk.js';
import { secretsPathFor } from '../../src-main/core/secrets.js';
import { sha256Hex } from '../../src-main/core/ids.js';
import type { SyncService } from '../../src-server/sync/service.js';
import { heal, InProcTransport, type TestClock, type TestKiosk } from './harness.js';

export interface PassGates {
  kiosks: TestKiosk[];
  api(g: number, method: string, input: unknown, who?: 'attendant' | 'cashier'): ReturnType<Kiosk['call']>;
}

export async function openPassGates(
  o: { dir: string; template: string; run: number; n: number; clock: TestClock; service: SyncService; unexpected: string[]; kiosks: TestKiosk[] },
): Promise<PassGates> {
  // The caller's array, filled as each gate opens: its `finally` closes what did open.
  const { kiosks } = o;
  for (let i = 0; i < o.n; i++) {
    const dbPath = join(o.dir, `r${o.run}-g${i}.db`);
    if (i === 0) {
      copyFileSync(o.template, dbPath);
      copyFileSync(secretsPathFor(o.template), secretsPathFor(dbPath));
    }
    const transport = new InProcTransport(() => o.service, `g${i}`);
    const kiosk = await createKiosk({ dbPath, clock: o.clock, kioskId: `g${i}`, sync: { transport, autoStart: false } });
    kiosks.push({ name: `g${i}`, kiosk, worker: kiosk.syncWorker!, transport, dbPath, tokens: new Map() });
  }
  await heal(kiosks, 2); // the joining gates get zones, operators and keys
  /** Tokens without PIN hashing, inserted as auth.login does (the API path is still used). */
  const grant = (k: TestKiosk, username: string): string => {
    const db = k.kiosk.ctx.store.sqlite;
    const op = db.prepare('SELECT id FROM operators WHERE username = ?').get(username) as { id: string };
    const token = `t-${k.name}-${username}-${o.run}`;
    db.prepare('INSERT OR IGNORE INTO auth_tokens (token_hash, operator_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(sha256Hex(token), op.id, o.clock.now(), o.clock.now() + 365 * 86400_000);
    return token;
  };
  const tokens = kiosks.map((k) => ({ attendant: grant(k, 'attendant'), cashier: grant(k, 'cashier') }));
  const api: PassGates['api'] = async (g, method, input, who = 'attendant') => {
    const r = await kiosks[g]!.kiosk.call(method, input, tokens[g]![who]);
    if (!r.ok && (r.error.code === 'INTERNAL' || r.error.code === 'VALIDATION_FAILED')) o.unexpected.push(`${method}@g${g}: ${r.error.code} ${r.error.message}`);
    return r;
  };
  return { kiosks, api };
}
