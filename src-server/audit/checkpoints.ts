/**
 * Kiosk audit-chain checkpoints on the server (migrations/server/9600_audit_checkpoints.ts).
 *
 * recordCheckpoint runs inside the push transaction: a push carrying the kiosk's audit head
 * stores it (append-only) when the head moved or the push brought new events, and the answer
 * acknowledges it. Nothing here refuses a push: a kiosk whose chain looks rewritten still syncs
 * its gate data; the server records what it saw and reports it (auditFindings).
 *
 * What the server checks (auditFindings), from the checkpoints alone (it never holds the audit
 * entries or the kiosk's key):
 *   - head_regressed: a head whose seq is lower than one received before (entries deleted, or
 *     the database replaced by an older copy);
 *   - hash_changed: a head at a seq received before with a different hash (the chain below it
 *     was rewritten);
 *   - events_without_audit: a push whose new events outnumber the audit entries added since the
 *     previous checkpoint. Every event a kiosk writes (session, payment, shift, zone, operator,
 *     settings changes) is written in one transaction with at least one audit entry, and the
 *     kiosk reads its head after selecting the events it pushes, so new events <= head advance.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AuditCheckpoint, AuditHead, AuditServerFinding } from '../../src-shared/contracts/audit-anchor.js';

export interface AuditCheckpointsTable {
  kiosk_id: string;
  n: number;
  seq: number;
  hash: string;
  received_at: number;
  event_seq: number;
  new_events: number;
}

interface Db {
  audit_checkpoints: AuditCheckpointsTable;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any> | Transaction<any>;
const num = (v: unknown) => Number(v);

function toCheckpoint(r: Pick<AuditCheckpointsTable, 'seq' | 'hash' | 'received_at' | 'event_seq'>): AuditCheckpoint {
  return { seq: num(r.seq), hash: r.hash, receivedAt: num(r.received_at), eventSeq: num(r.event_seq) };
}

export interface PushFacts {
  /** Events of this push the server had not stored before. */
  newEvents: number;
  /** The kiosk's last event sequence after this push. */
  lastSeq: number;
  receivedAt: number;
}

/** Stores the pushed head (inside the push transaction); returns the checkpoint to acknowledge. */
export async function recordCheckpoint(trx: AnyDb, kioskId: string, head: AuditHead | undefined, facts: PushFacts): Promise<AuditCheckpoint | null> {
  if (!head) return null;
  const db = trx as unknown as Kysely<Db>;
  const last = await db.selectFrom('audit_checkpoints').selectAll().where('kiosk_id', '=', kioskId).orderBy('n', 'desc').limit(1).executeTakeFirst();
  if (last && num(last.seq) === head.seq && last.hash === head.hash && facts.newEvents === 0) return toCheckpoint(last);
  const row: AuditCheckpointsTable = {
    kiosk_id: kioskId, n: (last ? num(last.n) : 0) + 1, seq: head.seq, hash: head.hash,
    received_at: facts.receivedAt, event_seq: facts.lastSeq, new_events: facts.newEvents,
  };
  await db.insertInto('audit_checkpoints').values(row).execute();
  return toCheckpoint(row);
}

/** A kiosk's checkpoints, oldest first. */
export async function listCheckpoints(db: AnyDb, kioskId: string): Promise<AuditCheckpoint[]> {
  const rows = await (db as unknown as Kysely<Db>).selectFrom('audit_checkpoints').selectAll().where('kiosk_id', '=', kioskId).orderBy('n').execute();
  return rows.map(toCheckpoint);
}

/** The checks described at the top of this file, over a kiosk's checkpoints in receive order. */
export async function auditFindings(db: AnyDb, kioskId: string): Promise<AuditServerFinding[]> {
  const rows = await (db as unknown as Kysely<Db>).selectFrom('audit_checkpoints').selectAll().where('kiosk_id', '=', kioskId).orderBy('n').execute();
  const findings: AuditServerFinding[] = [];
  const seen = new Map<number, string>();
  let maxSeq = 0;
  let prevSeq: number | null = null;
  for (const r of rows) {
    const seq = num(r.seq);
    const at = num(r.received_at);
    const known = seen.get(seq);
    if (known !== undefined && known !== r.hash) {
      findings.push({ kind: 'hash_changed', seq, receivedAt: at, message: `Audit entry ${seq} was anchored with another hash before: the chain was rewritten.` });
    } else if (seq < maxSeq) {
      findings.push({ kind: 'head_regressed', seq, receivedAt: at, message: `The audit head went back from entry ${maxSeq} to ${seq}: entries after ${seq} are missing.` });
    }
    const advance = prevSeq === null ? seq : seq - prevSeq;
    if (num(r.new_events) > Math.max(0, advance)) {
      findings.push({ kind: 'events_without_audit', seq, receivedAt: at, message: `${num(r.new_events)} new events arrived with ${Math.max(0, advance)} new audit entries.` });
    }
    seen.set(seq, r.hash);
    maxSeq = Math.max(maxSeq, seq);
    prevSeq = seq;
  }
  return findings;
}
