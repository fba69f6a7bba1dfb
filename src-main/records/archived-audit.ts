/**
 * The archived audit entries the payment cross-checks read (src-main/services/integrity.ts): the
 * payment entries, the exit entries and the sync re-folds of sessions, copied from the archive
 * segments into a TEMP table of this connection, each segment only after its checkpoint's
 * signature and its entries' keyed hashes verified (an edited segment is never read). A segment
 * is read once per connection (segments never change once written); the view `audit_all` is the
 * live log plus the archived entries below it, with `archived` = 1 for the latter.
 * Decision (docs/records.md "Cross-checks after archiving"): the archive, not the checkpoint,
 * carries what the checks need: the checkpoint stays one small signed row and nothing grows with
 * the number of payments.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENESIS, prunedSignature } from '../services/audit.js';
import type { ServiceContext } from '../services/context.js';
import type { AuditRow } from '../store/schema.js';
import { readSegment } from './audit-archive.js';

const SETUP = [
  `CREATE TEMP TABLE IF NOT EXISTS audit_archived (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, action TEXT NOT NULL,
    entity_type TEXT NOT NULL, entity_id TEXT, details TEXT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS temp.audit_archived_entity ON audit_archived(entity_id)`,
  `CREATE TEMP TABLE IF NOT EXISTS audit_archived_segments (segment TEXT PRIMARY KEY, through_id INTEGER NOT NULL, hash TEXT NOT NULL)`,
  `CREATE TEMP VIEW IF NOT EXISTS audit_all AS
    SELECT id, at, action, entity_type, entity_id, details, 0 AS archived FROM main.audit_log
    UNION ALL
    SELECT id, at, action, entity_type, entity_id, details, 1 AS archived FROM temp.audit_archived
      WHERE id < COALESCE((SELECT MIN(id) FROM main.audit_log), 9007199254740991)`,
];

/** The entries a cross-check reads (integrity.ts): payments, exits, a session's sync re-folds. */
const needed = (r: AuditRow) => r.entity_type === 'payment' || r.action === 'session.completed' || (r.entity_type === 'session' && r.action.startsWith('sync.'));

/**
 * Makes `audit_all` current: reads the segments not read yet on this connection. Returns why a
 * segment could not be read (then the checks see the archive only up to the segment before it),
 * or null.
 */
export function loadArchivedAudit(ctx: ServiceContext, dir: string | null): string | null {
  const db = ctx.store.sqlite;
  for (const s of SETUP) db.exec(s);
  const key = ctx.audit.key;
  const cps = db.prepare('SELECT through_id, hash, at, segment, sig FROM main.audit_pruned ORDER BY through_id').all() as
    { through_id: number; hash: string; at: number; segment: string; sig: string }[];
  if (cps.length === 0) return null;
  if (!dir) return 'the archive directory is not known to this process';
  const read = new Map((db.prepare('SELECT segment, through_id, hash FROM temp.audit_archived_segments').all() as { segment: string; through_id: number; hash: string }[])
    .map((r) => [r.segment, r]));
  const insert = db.prepare('INSERT OR REPLACE INTO temp.audit_archived (id, at, action, entity_type, entity_id, details) VALUES (?, ?, ?, ?, ?, ?)');
  const done = db.prepare('INSERT OR REPLACE INTO temp.audit_archived_segments (segment, through_id, hash) VALUES (?, ?, ?)');
  let prev = GENESIS;
  let expected = 1;
  for (const cp of cps) {
    const seen = read.get(cp.segment);
    if (seen && seen.through_id === cp.through_id && seen.hash === cp.hash) {
      prev = cp.hash;
      expected = cp.through_id + 1;
      continue;
    }
    if (!key || prunedSignature(key, { throughId: cp.through_id, hash: cp.hash, at: cp.at, segment: cp.segment }) !== cp.sig) return `the checkpoint of segment ${cp.segment} is not signed with this kiosk's audit key`;
    const file = join(dir, cp.segment);
    if (!existsSync(file)) return `segment ${cp.segment} is missing`;
    const segment = readSegment(readFileSync(file), key, prev, expected);
    if (segment.bad) return `archived entry ${segment.bad.id} in segment ${cp.segment} does not verify`;
    const rows = segment.rows;
    expected += rows.length;
    prev = segment.end;
    if (expected - 1 !== cp.through_id || prev !== cp.hash) return `segment ${cp.segment} does not end at its checkpoint`;
    db.transaction(() => {
      for (const r of rows) if (needed(r)) insert.run(r.id, r.at, r.action, r.entity_type, r.entity_id, r.details);
      done.run(cp.segment, cp.through_id, cp.hash);
    })();
  }
  return null;
}
