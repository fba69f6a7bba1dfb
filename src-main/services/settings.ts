/** Facility settings (name, time zone, cash-shift tolerance): one row per key in `settings`, JSON values. */
import type { FacilitySettings } from '../../src-shared/contracts/api.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import type { Actor, ServiceContext } from './context.js';

export const DEFAULT_SETTINGS: FacilitySettings = Object.freeze({
  facilityName: 'ParkGate',
  timeZone: 'Asia/Kolkata',
  /** Rs 50: a drawer off by more than this needs a supervisor's approval. */
  shiftTolerancePaise: 5000,
});

const KEYS = Object.keys(DEFAULT_SETTINGS) as (keyof FacilitySettings)[];

/** True when Intl knows the IANA zone name (e.g. "Asia/Kolkata", "UTC"). */
export function isValidTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parse<K extends keyof FacilitySettings>(key: K, raw: string): FacilitySettings[K] | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const def = DEFAULT_SETTINGS[key];
  if (typeof v !== typeof def) return undefined;
  if (key === 'timeZone' && !isValidTimeZone(v as string)) return undefined;
  if (key === 'shiftTolerancePaise' && !(Number.isSafeInteger(v) && (v as number) >= 0)) return undefined;
  return v as FacilitySettings[K];
}

export function getSettings(ctx: ServiceContext): FacilitySettings {
  const { q, db } = ctx.store;
  const rows = q.all(db.selectFrom('settings').select(['key', 'value']).where('key', 'in', KEYS));
  const out: FacilitySettings = { ...DEFAULT_SETTINGS };
  for (const r of rows) {
    const key = r.key as keyof FacilitySettings;
    const value = parse(key, r.value);
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}

export function updateSettings(ctx: ServiceContext, actor: Actor, patch: Partial<FacilitySettings>): FacilitySettings {
  if (patch.timeZone !== undefined && !isValidTimeZone(patch.timeZone)) {
    throw new AppError('VALIDATION_FAILED', `Unknown time zone "${patch.timeZone}". Use a name like Asia/Kolkata or UTC.`);
  }
  const { q, db } = ctx.store;
  return q.tx(() => {
    const before = getSettings(ctx);
    const now = ctx.clock.now();
    const changed: Partial<Record<keyof FacilitySettings, { from: unknown; to: unknown }>> = {};
    for (const key of KEYS) {
      const value = patch[key];
      if (value === undefined || value === before[key]) continue;
      const json = JSON.stringify(value);
      q.run(
        db.insertInto('settings').values({ key, value: json, updated_at: now, updated_by: actor.operatorId })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now, updated_by: actor.operatorId })),
      );
      changed[key] = { from: before[key], to: value };
    }
    const after = getSettings(ctx);
    if (Object.keys(changed).length > 0) {
      ctx.audit.append({ operatorId: actor.operatorId, action: 'settings.updated', entityType: 'settings', entityId: null, details: changed });
      ctx.outbox.append('settings.updated', null, { settings: after, operatorId: actor.operatorId });
    }
    return after;
  });
}
