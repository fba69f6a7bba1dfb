/**
 * Audit entries leave the database in segments (docs/records.md "Retention").
 *
 * A segment is a run of entries from the start of the local chain up to an entry that is
 *   - at or below the checkpoint the central server last acknowledged (so the server's anchor
 *     commits to it: the anchored hash chains through the segment's end hash), and
 *   - older than the archive age (the outbox retention window by default).
 * It is written to `<dataDir>/audit-archive/audit-<from>-<to>.jsonl.br` (one JSON row per line,
 * brotli, fsynced, renamed into place), then a checkpoint signed with the audit key (through, hash,
 * at, segment file name) is inserted, then the entries are deleted in small batches, each its own
 * short transaction. A crash before the checkpoint leaves a file that the next run rewrites; a
 * crash after it leaves entries the next run finishes deleting (verify() starts above the
 * checkpoint either way). Nothing unanchored is ever deleted.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants as zlib } from 'node:zlib';
import type { AuditKey } from '../core/secrets.js';
import { entryHash, GENESIS, prunedSignature, type PrunedCheckpoint } from '../services/audit.js';
import type { ServiceContext } from '../services/context.js';
import type { AuditRow } from '../store/schema.js';
import { acknowledgedCheckpoint } from './audit-anchor.js';

export function archiveDirFor(dataDir: string): string {
  return join(dataDir, 'audit-archive');
}

const FILE = /^audit-(\d+)-(\d+)\.jsonl\.br$/;

/**
 * Brotli from Node's zlib (slightly smaller than gzip on these rows: docs/bench.md "Storage").
 * Quality 7: without the hashes (below) it packs these rows as small as quality 9 does, in a
 * thirtieth of the time, and the compression runs on the kiosk's event loop while gates are served.
 */
export const packSegment = (text: string): Buffer =>
  brotliCompressSync(Buffer.from(text), { params: { [zlib.BROTLI_PARAM_QUALITY]: 7, [zlib.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(text) } });
export const unpackSegment = (data: Buffer): string => brotliDecompressSync(data).toString('utf8');

/**
 * A segment line: the audit row without its hash, and without its prev_hash except on the first
 * line (where the segment chains from). Both are recomputed on reading (the keyed hash of each row
 * over the previous one), and the recomputed chain must end at the signed checkpoint's hash, so
 * leaving them out loses no protection; they were two thirds of the packed bytes, being random.
 * Lines that do carry them (segments written before) are checked against them as well.
 */
type SegmentLine = Omit<AuditRow, 'hash' | 'prev_hash'> & { prev_hash?: string; hash?: string };

export function encodeSegment(rows: readonly AuditRow[]): string {
  return rows.map(({ hash: _hash, prev_hash, ...rest }, i) => {
    void _hash;
    return JSON.stringify(i === 0 ? { ...rest, prev_hash } : rest);
  }).join('\n') + '\n';
}

export interface SegmentRead {
  /** The rows read, with their recomputed prev_hash and hash, up to the first bad one. */
  rows: AuditRow[];
  /** The first row that is not the next id (`missing`) or does not chain (`changed`); null when all do. */
  bad: { id: number; kind: 'missing' | 'changed' } | null;
  /** The recomputed hash of the last row read (`prev` when none). */
  end: string;
}

/** Reads a segment chaining from `prev` at id `firstId`, recomputing every hash with `key`. */
export function readSegment(data: Buffer, key: AuditKey | null, prev: string, firstId: number): SegmentRead {
  const rows: AuditRow[] = [];
  let expected = firstId;
  for (const text of unpackSegment(data).split('\n')) {
    if (!text) continue;
    const line = JSON.parse(text) as SegmentLine;
    if (line.id !== expected) return { rows, bad: { id: expected, kind: 'missing' }, end: prev };
    if (line.prev_hash !== undefined && line.prev_hash !== prev) return { rows, bad: { id: line.id, kind: 'changed' }, end: prev };
    const { hash: stored, ...fields } = line;
    const row = { ...fields, prev_hash: prev };
    const hash = entryHash(key, row);
    if (stored !== undefined && stored !== hash) return { rows, bad: { id: line.id, kind: 'changed' }, end: prev };
    rows.push({ ...row, hash });
    prev = hash;
    expected++;
  }
  return { rows, bad: null, end: prev };
}

function writeDurably(dir: string, name: string, data: Buffer): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `${name}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  if (process.platform !== 'win32') {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  }
}

export interface ArchiveStep {
  /** Entries written to a new segment file in this step (0: nothing to archive). */
  archived: number;
  /** Entries deleted from the database in this step. */
  deleted: number;
  segment: string | null;
}

/**
 * One step: finishes deleting an already archived segment (one batch), or archives the next
 * segment. Call repeatedly until it returns zeros.
 */
export function archiveStep(ctx: ServiceContext, dir: string, opts: { cutoffAt: number; segmentSize: number; batchSize: number }): ArchiveStep {
  const db = ctx.store.sqlite;
  const key = ctx.audit.key;
  if (!key) return { archived: 0, deleted: 0, segment: null };
  const pruned = ctx.audit.prunedCheckpoint();
  if (pruned) {
    const del = db.prepare('DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE id <= ? ORDER BY id LIMIT ?)');
    const deleted = ctx.store.q.tx(() => del.run(pruned.throughId, opts.batchSize).changes);
    if (deleted > 0) return { archived: 0, deleted, segment: pruned.segment };
  }
  const anchor = acknowledgedCheckpoint(ctx);
  if (!anchor?.signed) return { archived: 0, deleted: 0, segment: null };
  const from = (pruned?.throughId ?? 0) + 1;
  // The newest entry of the segment: old enough, at or below the anchor, within the size limit.
  const end = db.prepare(`SELECT MAX(id) AS id FROM (SELECT id, at FROM audit_log WHERE id >= ? AND id <= ? ORDER BY id LIMIT ?) WHERE at < ?`)
    .get(from, anchor.seq, opts.segmentSize, opts.cutoffAt) as { id: number | null };
  // Entries must leave in order: stop at the first one that is too young.
  const firstYoung = db.prepare('SELECT MIN(id) AS id FROM audit_log WHERE id >= ? AND at >= ?').get(from, opts.cutoffAt) as { id: number | null };
  const to = Math.min(end.id ?? 0, firstYoung.id === null ? Infinity : firstYoung.id - 1);
  if (to < from) return { archived: 0, deleted: 0, segment: null };
  const rows = db.prepare('SELECT * FROM audit_log WHERE id >= ? AND id <= ? ORDER BY id').all(from, to) as AuditRow[];
  // Re-verify what leaves: an archive must never carry a broken chain.
  let prev = pruned?.hash ?? GENESIS;
  for (const r of rows) {
    const { hash, ...rest } = r;
    if (r.prev_hash !== prev || entryHash(key, rest) !== hash) return { archived: 0, deleted: 0, segment: null };
    prev = hash;
  }
  if (rows.length !== to - from + 1) return { archived: 0, deleted: 0, segment: null };
  const name = `audit-${from}-${to}.jsonl.br`;
  writeDurably(dir, name, packSegment(encodeSegment(rows)));
  const cp = { throughId: to, hash: rows[rows.length - 1]!.hash, at: ctx.clock.now(), segment: name };
  ctx.store.q.tx(() => {
    db.prepare('INSERT INTO audit_pruned (through_id, hash, at, segment, sig) VALUES (?, ?, ?, ?, ?)')
      .run(cp.throughId, cp.hash, cp.at, cp.segment, prunedSignature(key, cp));
  });
  return { archived: rows.length, deleted: 0, segment: name };
}

/** Segment files not referenced by a checkpoint (a crash between file and checkpoint): removed. */
export function removeOrphanSegments(ctx: ServiceContext, dir: string): number {
  if (!existsSync(dir)) return 0;
  const known = new Set((ctx.store.sqlite.prepare('SELECT segment FROM audit_pruned').all() as { segment: string }[]).map((r) => r.segment));
  let removed = 0;
  for (const f of readdirSync(dir)) {
    if ((FILE.test(f) && !known.has(f)) || f.endsWith('.tmp')) {
      rmSync(join(dir, f), { force: true });
      removed++;
    }
  }
  return removed;
}

export function archiveBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).reduce((n, f) => n + (FILE.test(f) ? statSync(join(dir, f)).size : 0), 0);
}

export interface ArchiveVerdict {
  ok: boolean;
  segments: number;
  entries: number;
  message: string;
  /** The hash of each archived entry by id (for the anchor check of archived entries). */
  hashAt(id: number): string | undefined;
}

/**
 * Re-verifies the archived part of the chain: every segment named by a signed checkpoint is
 * present, chains from the previous one, and ends at its checkpoint's hash; then cross-checks it
 * with the live chain (entries not yet deleted equal their archived copy; the live chain starts
 * right after the newest checkpoint, links to its hash and has no gap), so a segment swapped for a
 * consistent rewrite, or checkpoints dropped together with their segments, is found here.
 */
export function verifyArchive(ctx: ServiceContext, dir: string): ArchiveVerdict {
  const key = ctx.audit.key;
  const cps = (ctx.store.sqlite.prepare('SELECT through_id, hash, at, segment, sig FROM audit_pruned ORDER BY through_id').all() as
    { through_id: number; hash: string; at: number; segment: string; sig: string }[])
    .map((r): PrunedCheckpoint => ({ throughId: r.through_id, hash: r.hash, at: r.at, segment: r.segment, sig: r.sig }));
  let prev = GENESIS;
  let expected = 1;
  let entries = 0;
  const hashes = new Map<number, string>();
  const hashAt = (id: number) => hashes.get(id);
  const bad = (message: string): ArchiveVerdict => ({ ok: false, segments: cps.length, entries, message, hashAt });
  for (const cp of cps) {
    if (!key || prunedSignature(key, cp) !== cp.sig) return bad(`The checkpoint of archive segment ${cp.segment} is not signed with this kiosk's audit key.`);
    const file = join(dir, cp.segment);
    if (!existsSync(file)) return bad(`Archive segment ${cp.segment} is missing.`);
    const read = readSegment(readFileSync(file), key, prev, expected);
    for (const r of read.rows) hashes.set(r.id, r.hash);
    entries += read.rows.length;
    if (read.bad?.kind === 'missing') return bad(`Archived audit entry ${read.bad.id} is missing (segment ${cp.segment}).`);
    if (read.bad) return bad(`Archived audit entry ${read.bad.id} was changed (segment ${cp.segment}).`);
    expected += read.rows.length;
    prev = read.end;
    // An edited row without a stored hash shows here: its chain no longer reaches the checkpoint.
    if (expected - 1 !== cp.throughId || prev !== cp.hash) return bad(`Archive segment ${cp.segment} does not end at its checkpoint (entry ${cp.throughId}): an entry in it was changed or removed.`);
  }
  const live = liveAgainstArchive(ctx, cps[cps.length - 1] ?? null, hashAt);
  if (live) return bad(live);
  return { ok: true, segments: cps.length, entries, message: `${cps.length} archive segments (${entries} entries) verify and join the live chain.`, hashAt };
}

/** Why the live chain does not continue the archive (null when it does). */
function liveAgainstArchive(ctx: ServiceContext, last: PrunedCheckpoint | null, archived: (id: number) => string | undefined): string | null {
  const db = ctx.store.sqlite;
  const through = last?.throughId ?? 0;
  // Entries archived but not deleted yet (a prune in progress) must be the archived ones.
  for (const r of db.prepare('SELECT id, hash FROM audit_log WHERE id <= ? ORDER BY id').iterate(through) as IterableIterator<{ id: number; hash: string }>) {
    if (archived(r.id) !== r.hash) return `Audit entry ${r.id} in the database differs from its archived copy.`;
  }
  const span = db.prepare('SELECT MIN(id) AS lo, MAX(id) AS hi, COUNT(*) AS n FROM audit_log WHERE id > ?').get(through) as { lo: number | null; hi: number | null; n: number };
  if (span.lo === null || span.hi === null) return null;
  if (last && span.lo !== through + 1) return `The live audit chain starts at entry ${span.lo}, the archive ends at entry ${through}: entries ${through + 1}-${span.lo - 1} are missing.`;
  if (span.n !== span.hi - span.lo + 1) return `The live audit chain has ${span.hi - span.lo + 1 - span.n} entries missing between ${span.lo} and ${span.hi}.`;
  if (last) {
    const first = db.prepare('SELECT prev_hash FROM audit_log WHERE id = ?').get(span.lo) as { prev_hash: string };
    if (first.prev_hash !== last.hash) return `Audit entry ${span.lo} does not link to the end of the archive (entry ${through}).`;
  }
  return null;
}
