/**
 * Fresh databases for the server suite: a temp SQLite file, or a new PostgreSQL database
 * (parkgate_test_<random>) on 127.0.0.1:5432 that is dropped afterwards. PostgreSQL being
 * unreachable FAILS the suite (CI starts it); nothing is skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ServerDb } from '../../../src-server/db/connect.js';
import { openServerDb } from '../../../src-server/db/connect.js';

export const BACKENDS = ['sqlite', 'postgres'] as const;
export type Backend = (typeof BACKENDS)[number];

const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  open(): ServerDb;
  drop(): Promise<void>;
}

export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'parkgate-server-'));
    const url = `sqlite:${join(dir, 'server.db')}`;
    return { url, open: () => openServerDb(url), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `parkgate_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 5000 });
  await admin.connect(); // throws when PostgreSQL is unreachable: the suite fails, as it must
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${name}`);
  return {
    url,
    open: () => openServerDb(url, { poolSize: 5 }),
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
