/**
 * Facilities: the car parks one server serves (migrations/server/9980_facilities.ts). A facility
 * has an id (given or generated), a name unique on the server, and an IANA time zone that decides
 * its business day. Managed by `server:cli -- facility ...` and the head-office API
 * (src-server/routes/head-office.ts); every bad input is VALIDATION_FAILED / NOT_FOUND / CONFLICT
 * and changes nothing.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { FacilityRow, ServerDatabase } from '../db/schema.js';
import type { Clock } from '../util/clock.js';
import { uuidv7 } from '../util/ids.js';

export { DEFAULT_FACILITY_ID } from '../../migrations/server/9980_facilities.js';

export interface FacilityView {
  id: string;
  name: string;
  timeZone: string;
  createdAt: string;
}

export const FACILITY_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
const NAME_PATTERN = /^[\p{L}\p{N} .,&'()/_-]{1,100}$/u;

export function toFacilityView(f: FacilityRow): FacilityView {
  return { id: f.id, name: f.name, timeZone: f.time_zone, createdAt: new Date(f.created_at).toISOString() };
}

/** An IANA zone the runtime knows (e.g. Asia/Kolkata); anything else is refused. */
export function checkTimeZone(tz: string): string {
  const clean = tz.trim();
  if (clean.length === 0 || clean.length > 64) throw new AppError('VALIDATION_FAILED', 'Time zone: an IANA name such as Asia/Kolkata.');
  try {
    new Intl.DateTimeFormat('en', { timeZone: clean });
    return clean; // as given: the runtime would canonicalise Asia/Kolkata to its old name Asia/Calcutta
  } catch {
    throw new AppError('VALIDATION_FAILED', `Unknown time zone "${clean.slice(0, 64)}": use an IANA name such as Asia/Kolkata.`);
  }
}

function checkName(name: string): string {
  const clean = name.trim();
  if (!NAME_PATTERN.test(clean)) throw new AppError('VALIDATION_FAILED', "Facility name: 1-100 letters, digits, spaces and . , & ' ( ) / _ -");
  return clean;
}

async function nameTaken(db: Kysely<ServerDatabase>, name: string, exceptId: string | null): Promise<boolean> {
  const rows = await db.selectFrom('facilities').select(['id', 'name']).execute();
  return rows.some((r) => r.id !== exceptId && r.name.toLowerCase() === name.toLowerCase());
}

export async function createFacility(db: Kysely<ServerDatabase>, clock: Clock, input: { name: string; timeZone: string; id?: string | undefined }): Promise<FacilityView> {
  const name = checkName(input.name);
  const timeZone = checkTimeZone(input.timeZone);
  const id = input.id ?? uuidv7(clock);
  if (!FACILITY_ID_PATTERN.test(id)) throw new AppError('VALIDATION_FAILED', 'Facility id: 1-64 of a-z 0-9 -, starting with a letter or digit.');
  if (await db.selectFrom('facilities').select('id').where('id', '=', id).executeTakeFirst()) throw new AppError('CONFLICT', `Facility ${id} already exists.`);
  if (await nameTaken(db, name, null)) throw new AppError('CONFLICT', `A facility is already named "${name}".`);
  const now = clock.now();
  const inserted = await db.insertInto('facilities').values({ id, name, time_zone: timeZone, created_at: now, updated_at: now })
    .onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
  if (!inserted) throw new AppError('CONFLICT', 'A facility with this id or name already exists.');
  return toFacilityView(inserted);
}

export async function listFacilities(db: Kysely<ServerDatabase>): Promise<FacilityView[]> {
  return (await db.selectFrom('facilities').selectAll().orderBy('created_at').orderBy('id').execute()).map(toFacilityView);
}

export async function getFacility(db: Kysely<ServerDatabase>, id: string): Promise<FacilityRow> {
  const row = FACILITY_ID_PATTERN.test(id) ? await db.selectFrom('facilities').selectAll().where('id', '=', id).executeTakeFirst() : undefined;
  if (!row) throw new AppError('NOT_FOUND', `No facility ${id.slice(0, 64)}.`);
  return row;
}

/** Rename and/or move to another time zone; naming nothing to change is VALIDATION_FAILED. */
export async function updateFacility(db: Kysely<ServerDatabase>, clock: Clock, id: string, patch: { name?: string | undefined; timeZone?: string | undefined }): Promise<FacilityView> {
  const current = await getFacility(db, id);
  if (patch.name === undefined && patch.timeZone === undefined) throw new AppError('VALIDATION_FAILED', 'Give a new name or time zone.');
  const name = patch.name === undefined ? current.name : checkName(patch.name);
  const timeZone = patch.timeZone === undefined ? current.time_zone : checkTimeZone(patch.timeZone);
  if (await nameTaken(db, name, id)) throw new AppError('CONFLICT', `A facility is already named "${name}".`);
  const row = await db.updateTable('facilities').set({ name, time_zone: timeZone, updated_at: clock.now() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  return toFacilityView(row);
}

/**
 * The facility a request means: the one it names (which must exist), or, when it names none,
 * the only facility of the server; with several, naming one is required.
 */
export async function resolveFacility(db: Kysely<ServerDatabase>, id: string | undefined): Promise<FacilityRow> {
  if (id !== undefined) return getFacility(db, id);
  const rows = await db.selectFrom('facilities').selectAll().orderBy('created_at').limit(2).execute();
  if (rows.length === 1) return rows[0]!;
  if (rows.length === 0) throw new AppError('NOT_FOUND', 'This server has no facility yet.');
  throw new AppError('VALIDATION_FAILED', 'This server has several facilities: name one (facilityId).', { field: 'facilityId' });
}
