/**
 * The kiosk side of audit-chain anchoring (docs/records.md "Anchoring").
 *
 * - auditHead(ctx): the head every push carries (src-main/sync/worker.ts).
 * - acknowledge(ctx, checkpoint): the push answer's checkpoint, kept in audit_anchor (the newest
 *   one only): offline, the chain is checked against it.
 * - anchorFindings(ctx, checkpoints): the local chain compared with anchored checkpoints. A
 *   checkpoint above the local head names the first missing entry; a checkpoint whose hash
 *   differs from the local entry's names the first entry that can differ (the entry after the
 *   newest checkpoint that still matches: the server holds one hash per push, so that is as
 *   precise as the anchor gets; pushes follow every gate operation, so it is usually the entry
 *   itself or one or two before it).
 * - anchorSource: where integrity.check gets checkpoints: the server when reachable, else the
 *   acknowledged one.
 */
import type { IntegrityFinding } from '../../src-shared/contracts/entities.js';
import type { AuditCheckpoint, AuditCheckpointsResponse, AuditHead } from '../../src-shared/contracts/audit-anchor.js';
import type { ServiceContext } from '../services/context.js';
import type { Store } from '../store/open.js';
import type { AuditKey } from '../core/secrets.js';
import { hmacHex } from '../services/audit.js';

/** Where keyed entries start, as migration 0010 marked it (used when the audit key is created). */
export function auditKeyedFromMark(store: Store): number {
  const r = store.sqlite.prepare(`SELECT value FROM meta WHERE key = 'audit_keyed_from'`).get() as { value: string } | undefined;
  if (r) return Number(r.value);
  const max = store.sqlite.prepare('SELECT MAX(id) AS id FROM audit_log').get() as { id: number | null };
  return (max.id ?? 0) + 1;
}

export function auditHead(ctx: ServiceContext): AuditHead | undefined {
  return ctx.audit.head() ?? undefined;
}

/** Stores the checkpoint a push answer acknowledged (call inside the ack transaction). */
export function acknowledge(ctx: ServiceContext, cp: AuditCheckpoint | undefined): void {
  if (!cp) return;
  const key = ctx.audit.key;
  if (!key) return;
  ctx.store.sqlite.prepare(`INSERT INTO audit_anchor (id, seq, hash, received_at, acked_at, sig) VALUES (1, ?, ?, ?, ?, ?)
    ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, received_at = excluded.received_at, acked_at = excluded.acked_at, sig = excluded.sig`)
    .run(cp.seq, cp.hash, cp.receivedAt, ctx.clock.now(), anchorSignature(key, cp));
}

function anchorSignature(key: AuditKey, cp: Pick<AuditCheckpoint, 'seq' | 'hash' | 'receivedAt'>): string {
  return hmacHex(key.key, JSON.stringify(['audit_anchor', cp.seq, cp.hash, cp.receivedAt]));
}

export interface AcknowledgedCheckpoint extends AuditCheckpoint {
  ackedAt: number;
  /** False when the row is not signed with this kiosk's audit key (edited on disk). */
  signed: boolean;
}

export function acknowledgedCheckpoint(ctx: ServiceContext): AcknowledgedCheckpoint | null {
  const r = ctx.store.sqlite.prepare('SELECT seq, hash, received_at, acked_at, sig FROM audit_anchor WHERE id = 1').get() as
    | { seq: number; hash: string; received_at: number; acked_at: number; sig: string } | undefined;
  if (!r) return null;
  const cp = { seq: r.seq, hash: r.hash, receivedAt: r.received_at, eventSeq: 0 };
  const key = ctx.audit.key;
  return { ...cp, ackedAt: r.acked_at, signed: key !== null && anchorSignature(key, cp) === r.sig };
}

/** Events the server acknowledged (a synced kiosk must then hold an acknowledged checkpoint). */
function serverAcknowledgedEvents(ctx: ServiceContext): boolean {
  return ctx.store.sqlite.prepare(`SELECT 1 FROM outbox WHERE status = 'ACKED' LIMIT 1`).get() !== undefined
    || (ctx.store.sqlite.prepare('SELECT outbox_pruned AS n FROM records_state WHERE id = 1').get() as { n: number } | undefined)?.n !== 0;
}

export const ANCHOR_CHECK_NAMES = [
  'audit_anchor_missing', 'audit_anchor_mismatch', 'audit_anchor_lost', 'audit_anchor_forged',
  'audit_server_head_regressed', 'audit_server_hash_changed', 'audit_server_events_without_audit',
];

const iso = (ms: number) => new Date(ms).toISOString();

/** The local chain against anchored checkpoints (any order); empty when everything matches. */
export function anchorFindings(ctx: ServiceContext, checkpoints: readonly AuditCheckpoint[], source: string, archived?: ArchivedHashes): IntegrityFinding[] {
  const db = ctx.store.sqlite;
  const pruned = ctx.audit.prunedCheckpoint();
  const localHead = (db.prepare('SELECT MAX(id) AS id FROM audit_log').get() as { id: number | null }).id ?? pruned?.throughId ?? 0;
  const hashAt = db.prepare('SELECT hash FROM audit_log WHERE id = ?');
  const sorted = [...checkpoints].sort((a, b) => a.seq - b.seq || a.receivedAt - b.receivedAt);
  let lastMatch = 0;
  for (const cp of sorted) {
    if (cp.seq > localHead) {
      return [{
        check: 'audit_anchor_missing',
        message: `Audit entry ${localHead + 1} is missing: the ${source} anchored the chain up to entry ${cp.seq} at ${iso(cp.receivedAt)}, this kiosk's chain ends at ${localHead}.`,
        ids: [String(localHead + 1)],
      }];
    }
    let local: string | undefined;
    if (pruned && cp.seq === pruned.throughId) local = pruned.hash;
    else if (!pruned || cp.seq > pruned.throughId) local = (hashAt.get(cp.seq) as { hash: string } | undefined)?.hash;
    else if (archived) local = archived(cp.seq); // archived: the verified segment's copy (records/audit-archive.ts)
    else continue; // archived, and the archive was not read: checked against its segment when it was written
    if (local === undefined) {
      return [{ check: 'audit_anchor_missing', message: `Audit entry ${cp.seq}, anchored by the ${source} at ${iso(cp.receivedAt)}, is missing.`, ids: [String(cp.seq)] }];
    }
    if (local !== cp.hash) {
      const first = lastMatch + 1;
      return [{
        check: 'audit_anchor_mismatch',
        message: `Audit entry ${cp.seq} differs from the hash the ${source} anchored at ${iso(cp.receivedAt)}: the chain was rewritten ` +
          (first === cp.seq ? `from entry ${first}.` : `from an entry between ${first} and ${cp.seq} (entries up to ${lastMatch} match an anchored checkpoint).`),
        ids: [String(first)],
      }];
    }
    lastMatch = cp.seq;
  }
  return [];
}

/** The hash of an archived entry by id, from a verified archive (audit-archive.ts verifyArchive). */
export type ArchivedHashes = (id: number) => string | undefined;

/** Fetches the server's checkpoints for this kiosk; rejects when the server cannot be asked. */
export type CheckpointFetcher = () => Promise<AuditCheckpointsResponse>;
const fetchers = new WeakMap<ServiceContext, CheckpointFetcher>();

export function attachCheckpointFetcher(ctx: ServiceContext, fetcher: CheckpointFetcher): void {
  fetchers.set(ctx, fetcher);
}

export interface AnchorReport {
  /** 'server': checkpoints fetched now; 'acknowledged': the last one a push answer acknowledged; 'none': never anchored. */
  source: 'server' | 'acknowledged' | 'none';
  checkpoints: number;
  newest: AuditCheckpoint | null;
  /** Why the server was not used (unreachable, refused), when it is configured. */
  serverError: string | null;
  findings: IntegrityFinding[];
}

/** The anchor check of integrity.check and doctor: online against the server, offline against the acknowledged checkpoint. */
export async function checkAnchor(ctx: ServiceContext, fetcherArg?: CheckpointFetcher, archived?: ArchivedHashes): Promise<AnchorReport> {
  const fetcher = fetcherArg ?? fetchers.get(ctx);
  let serverError: string | null = null;
  if (fetcher) {
    try {
      const res = await fetcher();
      const findings = anchorFindings(ctx, res.checkpoints, 'server', archived);
      for (const f of res.findings) {
        findings.push({ check: `audit_server_${f.kind}`, message: `Central server: ${f.message} (received ${iso(f.receivedAt)})`, ids: [String(f.seq)] });
      }
      const newest = res.checkpoints.reduce<AuditCheckpoint | null>((m, c) => (!m || c.seq > m.seq ? c : m), null);
      return { source: 'server', checkpoints: res.checkpoints.length, newest, serverError, findings };
    } catch (err) {
      serverError = err instanceof Error ? err.message : String(err);
    }
  }
  const acked = acknowledgedCheckpoint(ctx);
  if (!acked) {
    // Best effort offline: a kiosk whose events the server acknowledged was anchored too (every
    // push carries the head), so a missing row was deleted.
    const findings: IntegrityFinding[] = fetcher && serverAcknowledgedEvents(ctx)
      ? [{ check: 'audit_anchor_lost', message: 'The server acknowledged this kiosk\'s events but no acknowledged audit checkpoint is stored: it was removed.', ids: [] }]
      : [];
    return { source: 'none', checkpoints: 0, newest: null, serverError, findings };
  }
  if (!acked.signed) {
    return {
      source: 'acknowledged', checkpoints: 1, newest: acked, serverError,
      findings: [{ check: 'audit_anchor_forged', message: `The acknowledged audit checkpoint (entry ${acked.seq}) is not signed with this kiosk's audit key: it was edited.`, ids: [String(acked.seq)] }],
    };
  }
  return { source: 'acknowledged', checkpoints: 1, newest: acked, serverError, findings: anchorFindings(ctx, [acked], 'server (last acknowledged checkpoint)', archived) };
}
