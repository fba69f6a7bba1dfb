/**
 * The archive segment's line format (src-main/records/audit-archive.ts): rows leave without their
 * hashes, which reading recomputes; segments written with every row's hashes still read.
 */
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { AuditKey } from '../../src-main/core/secrets.js';
import { encodeSegment, packSegment, readSegment, unpackSegment } from '../../src-main/records/audit-archive.js';
import { entryHash, GENESIS } from '../../src-main/services/audit.js';
import type { AuditRow } from '../../src-main/store/schema.js';

const key: AuditKey = { key: randomBytes(32), keyedFrom: 3 }; // entries 1-2 unkeyed (an upgraded chain), keyed from 3

function chain(n: number, from = GENESIS): AuditRow[] {
  const rows: AuditRow[] = [];
  let prev = from;
  for (let id = 1; id <= n; id++) {
    const row = { id, at: 1_767_000_000_000 + id, operator_id: id % 2 ? null : 'op-1', action: 'payment.success', entity_type: 'payment', entity_id: `p-${id}`, details: JSON.stringify({ amountPaise: 100 * id }), prev_hash: prev };
    const hash = entryHash(key, row);
    rows.push({ ...row, hash });
    prev = hash;
  }
  return rows;
}

describe('archive segment format', () => {
  it('keeps neither hash on a line (the first line says where the segment chains from) and reads back the same rows', () => {
    const rows = chain(6);
    const text = encodeSegment(rows);
    const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.every((l) => !('hash' in l))).toBe(true);
    expect(lines[0]!.prev_hash).toBe(GENESIS);
    expect(lines.slice(1).every((l) => !('prev_hash' in l))).toBe(true);
    const read = readSegment(packSegment(text), key, GENESIS, 1);
    expect(read.bad).toBeNull();
    expect(read.rows).toEqual(rows);
    expect(read.end).toBe(rows.at(-1)!.hash);
    // Smaller than the rows with their hashes, packed the same way.
    expect(packSegment(text).length).toBeLessThan(packSegment(rows.map((r) => JSON.stringify(r)).join('\n') + '\n').length);
  });

  it('an edited line changes the recomputed end, so the segment no longer ends at its checkpoint hash', () => {
    const rows = chain(6);
    const text = unpackSegment(packSegment(encodeSegment(rows)));
    const edited = text.replace('\\"amountPaise\\":300', '\\"amountPaise\\":1');
    expect(edited).not.toBe(text);
    const read = readSegment(packSegment(edited), key, GENESIS, 1);
    expect(read.bad).toBeNull();
    expect(read.end).not.toBe(rows.at(-1)!.hash);
    // Without the key, the keyed entries do not recompute to the same end either.
    expect(readSegment(packSegment(encodeSegment(rows)), null, GENESIS, 1).end).not.toBe(rows.at(-1)!.hash);
  });

  it('a segment that does not start where the chain is, or skips an id, is found', () => {
    const rows = chain(6);
    expect(readSegment(packSegment(encodeSegment(rows)), key, 'f'.repeat(64), 1).bad).toEqual({ id: 1, kind: 'changed' });
    const gap = encodeSegment(rows).split('\n').filter((_, i) => i !== 3).join('\n');
    expect(readSegment(packSegment(gap), key, GENESIS, 1).bad).toEqual({ id: 4, kind: 'missing' });
  });

  it('reads a segment written with every row\'s prev_hash and hash, and checks them', () => {
    const rows = chain(5);
    const old = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    expect(readSegment(packSegment(old), key, GENESIS, 1)).toMatchObject({ bad: null, rows, end: rows.at(-1)!.hash });
    const wrongHash = old.replace(rows[2]!.hash, 'e'.repeat(64));
    expect(readSegment(packSegment(wrongHash), key, GENESIS, 1).bad).toEqual({ id: 3, kind: 'changed' });
  });
});
