/**
 * The server keeps zones once: in its `zones` and `slots` tables (docs/sync.md "Zones on the server").
 * Before, a zone the gates published lived as JSON in `sync_entities` (what sync read) and was
 * mirrored into zones/slots for bookings. The tables gain the columns the gates' zone carries
 * (position, tariff options, updated_at), `hlc` (the last gate write; NULL = a zone the server
 * made itself, never published by a gate) and `synced_at` (when the server stored that write),
 * and slots gain `position`. Every zone entity moves into its row (created when the mirror had
 * not caught up yet; its slots added); the JSON rows are then deleted.
 *
 * Names stay unique per facility, compared without case as the gates do: a published zone takes
 * its name from a server-made zone (renamed `<name>~<id tail>` and deactivated, as the mirror
 * did); of two published zones with one name, the one already holding it keeps it and the other
 * is renamed the same way. Portable (SQLite and PostgreSQL). Frozen once landed.
 */
import { type Kysely, sql } from 'kysely';

/** The name a zone takes when another zone of its facility holds its name (fits the gates' 100 characters). */
export function yieldedZoneName(name: string, id: string): string {
  return `${name.slice(0, 93)}~${id.slice(-6)}`;
}

const ZONE_COLUMNS = ['position', 'grace_minutes', 'daily_cap_paise', 'lost_ticket_fee_paise', 'exit_grace_minutes', 'updated_at', 'hlc', 'synced_at'];

interface ZoneJson {
  zone?: Record<string, unknown>;
  slots?: { id?: unknown; slot_number?: unknown; position?: unknown }[];
}

const int = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isSafeInteger(v) ? v : fallback);
const intOrNull = (v: unknown, fallback: number | null): number | null => (v === null ? null : typeof v === 'number' && Number.isSafeInteger(v) ? v : fallback);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('zones').addColumn('position', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('zones').addColumn('grace_minutes', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('zones').addColumn('daily_cap_paise', 'integer').execute();
  await db.schema.alterTable('zones').addColumn('lost_ticket_fee_paise', 'integer').execute();
  await db.schema.alterTable('zones').addColumn('exit_grace_minutes', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('zones').addColumn('updated_at', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('zones').addColumn('hlc', 'text').execute();
  await db.schema.alterTable('zones').addColumn('synced_at', 'bigint').execute();
  await db.schema.alterTable('slots').addColumn('position', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await sql`update zones set updated_at = created_at`.execute(db);
  // The server's own slots are numbered in slot-number order within their zone.
  await sql`update slots set position = 1 + (select count(*) from slots s2 where s2.zone_id = slots.zone_id and s2.slot_number < slots.slot_number)`.execute(db);

  const entities = await db.selectFrom('sync_entities').select(['entity_id', 'facility_id', 'natural_key', 'hlc', 'data', 'updated_at'])
    .where('entity_type', '=', 'zone').orderBy('updated_at').orderBy('entity_id').execute() as
    { entity_id: string; facility_id: string; natural_key: string | null; hlc: string; data: string; updated_at: number | string }[];
  const published = new Set(entities.map((e) => e.entity_id));
  for (const e of entities) {
    let parsed: ZoneJson = {};
    try {
      parsed = JSON.parse(e.data) as ZoneJson;
    } catch {
      // Unreadable JSON: the mirrored row (if any) is the zone.
    }
    const z = parsed.zone ?? {};
    const have = await db.selectFrom('zones').selectAll().where('id', '=', e.entity_id).executeTakeFirst() as Record<string, unknown> | undefined;
    const createdAt = int(z.created_at, have ? Number(have.created_at) : Number(e.updated_at));
    const row = {
      name: typeof z.name === 'string' && z.name ? z.name : typeof have?.name === 'string' ? have.name : (e.natural_key ?? e.entity_id),
      position: int(z.position, 0),
      hourly_rate_paise: int(z.hourly_rate_paise, have ? Number(have.hourly_rate_paise) : 0),
      is_active: int(z.is_active, have ? Number(have.is_active) : 1),
      grace_minutes: int(z.grace_minutes, 0),
      daily_cap_paise: intOrNull(z.daily_cap_paise, null),
      lost_ticket_fee_paise: intOrNull(z.lost_ticket_fee_paise, null),
      exit_grace_minutes: int(z.exit_grace_minutes, 0),
      created_at: createdAt,
      updated_at: int(z.updated_at, createdAt),
      hlc: e.hlc,
      synced_at: Number(e.updated_at),
    };
    const clash = await db.selectFrom('zones').select(['id', 'name']).where('facility_id', '=', e.facility_id).where('id', '!=', e.entity_id)
      .where(sql`lower(name)`, '=', row.name.toLowerCase()).executeTakeFirst() as { id: string; name: string } | undefined;
    if (clash && published.has(clash.id)) {
      row.name = yieldedZoneName(row.name, e.entity_id); // the other published zone keeps the name
    } else if (clash) {
      await db.updateTable('zones').set({ name: yieldedZoneName(clash.name, clash.id), is_active: 0 }).where('id', '=', clash.id).execute();
    }
    if (have) await db.updateTable('zones').set(row).where('id', '=', e.entity_id).execute();
    else await db.insertInto('zones').values({ id: e.entity_id, facility_id: e.facility_id, ...row }).execute();
    for (const s of parsed.slots ?? []) {
      if (typeof s.id !== 'string' || typeof s.slot_number !== 'string') continue;
      const position = int(s.position, 0);
      await db.insertInto('slots').values({ id: s.id, zone_id: e.entity_id, slot_number: s.slot_number, position })
        .onConflict((oc) => oc.column('id').doUpdateSet({ position })).execute();
    }
  }
  await db.deleteFrom('sync_entities').where('entity_type', '=', 'zone').execute();
}

/** Back to zones as JSON in sync_entities (every published zone with its slots), then the new columns go. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  const zones = await db.selectFrom('zones').selectAll().where('hlc', 'is not', null).execute() as Record<string, unknown>[];
  for (const z of zones) {
    const slots = await db.selectFrom('slots').select(['id', 'slot_number', 'position']).where('zone_id', '=', z.id as string).orderBy('position').orderBy('id').execute();
    const zone = {
      id: z.id, name: z.name, position: z.position, hourly_rate_paise: z.hourly_rate_paise, is_active: z.is_active, grace_minutes: z.grace_minutes,
      daily_cap_paise: z.daily_cap_paise, lost_ticket_fee_paise: z.lost_ticket_fee_paise, exit_grace_minutes: z.exit_grace_minutes,
      created_at: Number(z.created_at), updated_at: Number(z.updated_at),
    };
    await db.insertInto('sync_entities').values({
      entity_type: 'zone', entity_id: z.id, facility_id: z.facility_id, natural_key: String(z.name).toLowerCase(), hlc: z.hlc,
      data: JSON.stringify({ zone, slots }), updated_at: Number(z.synced_at ?? z.updated_at),
    }).execute();
  }
  await db.schema.alterTable('slots').dropColumn('position').execute();
  for (const c of [...ZONE_COLUMNS].reverse()) await db.schema.alterTable('zones').dropColumn(c).execute();
}
