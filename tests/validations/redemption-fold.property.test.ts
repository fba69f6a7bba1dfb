/**
 * Property: whatever order the gates' pushes reach the server (each gate's own events in its
 * sequence, gates interleaved at random, pushes split at random), every validation code ends with
 * exactly one CANONICAL use, the one with the lowest HLC (then event id), and every other use
 * DUPLICATE. Real SyncService on SQLite, real push path.
 */
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { encodeHlc } from '../../src-shared/domain/hlc.js';
import { SYNC_PROTOCOL_VERSION, type WireEvent } from '../../src-shared/contracts/sync.js';
import type { SyncDatabase } from '../../src-server/sync/schema.js';
import { memoryServer } from '../sync/harness.js';

const RUNS = Number(process.env.SYNC_PROPERTY_RUNS ?? 25);
const T = 1_736_150_400_000;


const useArb = fc.record({ kiosk: fc.nat({ max: 2 }), code: fc.nat({ max: 3 }), wall: fc.integer({ min: 0, max: 5 }), counter: fc.nat({ max: 3 }) });

describe('validation code fold', () => {
  it('keeps the earliest use of each code, whatever the arrival order', async () => {
    await fc.assert(fc.asyncProperty(fc.array(useArb, { minLength: 1, maxLength: 14 }), fc.array(fc.nat({ max: 2 }), { minLength: 1, maxLength: 40 }), fc.nat({ max: 3 }),
      async (uses, schedule, batchMax) => {
        const server = await memoryServer(() => T);
        try {
          // Each gate's events, in the order of its own clock (a gate's HLC only grows).
          const perKiosk = [0, 1, 2].map((k) => uses.map((u, i) => ({ ...u, i })).filter((u) => u.kiosk === k)
            .sort((a, b) => a.wall - b.wall || a.counter - b.counter || a.i - b.i)
            .map((u, n) => {
              const kioskId = `gate-${u.kiosk}`;
              // A gate's HLC strictly grows: its n-th event is at least n in the counter.
              const hlc = encodeHlc({ wallMs: T + u.wall * 1000, counter: u.counter * 20 + n, node: kioskId });
              const id = `ev-${u.i.toString().padStart(2, '0')}`;
              const validation = {
                id: `v-${u.i}`, session_id: `s-${u.i}`, program_id: 'p1', merchant_id: 'm1', source: 'CODE' as const, code_id: `code-${u.code}`, bill_paise: null,
                discount_paise: 100, fee_before_paise: 100, settled: 0 as const, operator_id: null, kiosk_id: kioskId, created_at: T, updated_at: T,
              };
              const e: WireEvent = { id, seq: n + 1, hlc, type: 'validation.applied', entityId: validation.id, payload: { validation }, schemaVersion: SYNC_PROTOCOL_VERSION, createdAt: T };
              return { kioskId, e, hlc, code: u.code };
            }));
          const next = [0, 0, 0];
          let turn = 0;
          const pushOne = async (k: number) => {
            const list = perKiosk[k]!;
            if (next[k]! >= list.length) return;
            const size = 1 + (batchMax % (list.length - next[k]!));
            const batch = list.slice(next[k], next[k]! + size);
            next[k]! += size;
            await server.service.push(batch[0]!.kioskId, { protocolVersion: SYNC_PROTOCOL_VERSION, events: batch.map((b) => b.e) });
          };
          for (const k of schedule) await pushOne(k);
          while (next.some((n, k) => n < perKiosk[k]!.length)) await pushOne(turn++ % 3);

          const db = server.db as unknown as Kysely<SyncDatabase>;
          const rows = await db.selectFrom('validation_redemptions').select(['event_id', 'code_id', 'hlc', 'status']).execute();
          expect(rows).toHaveLength(uses.length);
          const all = perKiosk.flat();
          for (const code of new Set(uses.map((u) => u.code))) {
            const mine = all.filter((x) => x.code === code).sort((a, b) => (a.hlc < b.hlc ? -1 : a.hlc > b.hlc ? 1 : a.e.id < b.e.id ? -1 : 1));
            const got = rows.filter((r) => r.code_id === `code-${code}`);
            expect(got.filter((r) => r.status === 'CANONICAL').map((r) => r.event_id)).toEqual([mine[0]!.e.id]);
            expect(got.filter((r) => r.status === 'DUPLICATE')).toHaveLength(mine.length - 1);
          }
        } finally {
          await server.close();
        }
      }), { numRuns: RUNS });
  });
});
