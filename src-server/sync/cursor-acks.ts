/**
 * The kiosks' pull cursors (sync_kiosks.cursor, last_pull_at), written for many pulls in one
 * statement: the pulls an append woke end together, and each would otherwise commit its own
 * UPDATE. A pull's `record` resolves once a write holding its cursor has committed (so the
 * acknowledgement is stored before the pull is answered, as before); while one write is in
 * flight the next pulls' cursors gather for the one after it. A cursor never moves back.
 */
import { sql, type Kysely } from 'kysely';
import type { SyncDatabase } from './schema.js';

/** Kiosks per statement (two parameters each; well under SQLite's and PostgreSQL's limits). */
const PER_STATEMENT = 400;

export class CursorAcks {
  private pending = new Map<string, number>();
  private next: Promise<void> | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly db: Kysely<SyncDatabase>, private readonly now: () => number) {}

  record(kioskId: string, cursor: number): Promise<void> {
    const have = this.pending.get(kioskId);
    if (have === undefined || cursor > have) this.pending.set(kioskId, cursor);
    this.next ??= (this.inFlight ?? Promise.resolve()).catch(() => undefined).then(() => this.flush());
    return this.next;
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    this.next = null;
    const run = this.write(batch);
    this.inFlight = run;
    try {
      await run;
    } finally {
      if (this.inFlight === run) this.inFlight = null;
    }
  }

  private async write(batch: Map<string, number>): Promise<void> {
    const rows = [...batch];
    const at = this.now();
    for (let i = 0; i < rows.length; i += PER_STATEMENT) {
      const part = rows.slice(i, i + PER_STATEMENT);
      const values = sql.join(part.map(([k, c]) => sql`(CAST(${k} AS TEXT), CAST(${c} AS BIGINT))`));
      await sql`WITH v(kiosk_id, cursor) AS (VALUES ${values})
        UPDATE sync_kiosks SET cursor = v.cursor, last_pull_at = CAST(${at} AS BIGINT)
        FROM v WHERE sync_kiosks.kiosk_id = v.kiosk_id AND sync_kiosks.cursor < v.cursor`.execute(this.db);
    }
  }
}
