/**
 * Facility settings (name, time zone, cash-shift tolerance): one row per key in `settings`, JSON
 * values. The first-run setup also saves the central server (`serverUrl`, `kioskId` rows, used by
 * `serve` at the next start) and the kiosk secret, which never goes in the database: it is kept in
 * the kiosk's secret store (`ctx.ops.secrets`: `<dataDir>/secrets/kiosk-secret.secret`, 0600,
 * encrypted by the OS keyring under Electron), the same file `serve --kiosk-secret` keeps it in
 * and the Electron shell reads at start-up, and is never returned.
 */
import { checkServerUrls, MAX_SERVER_URLS, parseServerUrls } from '../../src-shared/protocol/server-urls.js';
import { LANE_ROLES, type FacilitySettings } from '../../src-shared/contracts/api.js';
import { AppError } from '../../src-shared/contracts/errors.js';
import { KIOSK_SECRET_NAME } from '../ops/secret-store.js';
import type { Actor, ServiceContext } from './context.js';

/** Settings-table keys of the saved central server (read by `serve` before the core starts). */
export const SERVER_URL_KEY = 'serverUrl';
export const KIOSK_ID_KEY = 'kioskId';

export interface SettingsPatch extends Partial<Omit<FacilitySettings, 'serverUrl' | 'kioskId' | 'kioskSecretSaved'>> {
  serverUrl?: string | undefined;
  kioskId?: string | undefined;
  kioskSecret?: string | undefined;
}

type CoreKey = 'facilityName' | 'timeZone' | 'shiftTolerancePaise' | 'lostTicketSupervisorAbovePaise' | 'plateExitMaxPaise' | 'laneRole';

export const DEFAULT_SETTINGS: Pick<FacilitySettings, CoreKey> = Object.freeze({
  facilityName: 'ParkGate',
  timeZone: 'Asia/Kolkata',
  /** Rs 50: a drawer off by more than this needs a supervisor's approval. */
  shiftTolerancePaise: 5000,
  /** Rs 500: a lost-ticket exit charging more needs a supervisor's PIN (docs/lane.md "Lost tickets"). */
  lostTicketSupervisorAbovePaise: 50000,
  /** Rs 200: a plate-only exit up to this fee is quoted at once; above it the ticket is asked for. */
  plateExitMaxPaise: 20000,
  /** A booth that does both until a supervisor says otherwise. */
  laneRole: 'BOTH',
});

const KEYS = Object.keys(DEFAULT_SETTINGS) as CoreKey[];

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

function parse<K extends CoreKey>(key: K, raw: string): FacilitySettings[K] | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const def = DEFAULT_SETTINGS[key];
  if (typeof v !== typeof def) return undefined;
  if (key === 'timeZone' && !isValidTimeZone(v as string)) return undefined;
  if (typeof def === 'number' && !(Number.isSafeInteger(v) && (v as number) >= 0)) return undefined;
  if (key === 'laneRole' && !(LANE_ROLES as readonly unknown[]).includes(v)) return undefined;
  return v as FacilitySettings[K];
}

/** An http(s) URL without credentials, or null. */
/** One server URL or several (instances to fail over between), stored comma-separated. */
const SERVER_URL_MESSAGES = {
  EMPTY: 'Enter the server URL.',
  TOO_MANY: `At most ${MAX_SERVER_URLS} server URLs.`,
  NOT_A_URL: 'is not an address: write it as https://parkgate.example.com',
  NOT_HTTP: 'must start with http:// or https://',
  CREDENTIALS: 'must not contain a user name or password',
} as const;

/**
 * The central server's URLs (several: comma- or line-separated, tried in that order) as stored,
 * or VALIDATION_FAILED naming the first bad entry: details `{ reason: 'BAD_SERVER_URL', problem,
 * entry, position }`, and a keyed message (`core.serverUrl.<problem>`) the screens translate.
 */
export function checkedServerUrls(raw: string): string {
  const r = checkServerUrls(raw);
  if (r.ok) return r.urls.join(',');
  const english = r.entry === null ? SERVER_URL_MESSAGES[r.problem] : `Server URL ${r.position} (${r.entry}) ${SERVER_URL_MESSAGES[r.problem]}.`;
  throw AppError.keyed('VALIDATION_FAILED', `serverUrl.${r.problem}`, { entry: r.entry, position: r.position, max: MAX_SERVER_URLS }, english,
    { reason: 'BAD_SERVER_URL', problem: r.problem, entry: r.entry, position: r.position });
}

export function normalizeServerUrl(raw: string): string | null {
  return parseServerUrls(raw)?.join(',') ?? null;
}

const KIOSK_ID_RE = /^[A-Za-z0-9._:-]{1,100}$/;

function readKioskSecretSaved(ctx: ServiceContext): boolean {
  try {
    return ctx.ops.secrets.get(KIOSK_SECRET_NAME) !== null;
  } catch {
    return true; // present but unreadable here (e.g. encrypted by Electron's keyring, read by `serve`)
  }
}

function saveKioskSecret(ctx: ServiceContext, secret: string): void {
  ctx.ops.redactor.addSecret(secret); // never in a log line from now on
  ctx.ops.secrets.set(KIOSK_SECRET_NAME, secret);
}

function readStringSetting(ctx: ServiceContext, key: string): string | null {
  const { q, db } = ctx.store;
  const row = q.all(db.selectFrom('settings').select(['value']).where('key', '=', key))[0];
  if (!row) return null;
  try {
    const v: unknown = JSON.parse(row.value);
    return typeof v === 'string' && v !== '' ? v : null;
  } catch {
    return null;
  }
}

export function getSettings(ctx: ServiceContext): FacilitySettings {
  const { q, db } = ctx.store;
  const rows = q.all(db.selectFrom('settings').select(['key', 'value']).where('key', 'in', KEYS));
  const out: FacilitySettings = { ...DEFAULT_SETTINGS };
  for (const r of rows) {
    const key = r.key as CoreKey;
    const value = parse(key, r.value);
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  }
  out.serverUrl = readStringSetting(ctx, SERVER_URL_KEY);
  out.kioskId = readStringSetting(ctx, KIOSK_ID_KEY);
  out.kioskSecretSaved = readKioskSecretSaved(ctx);
  return out;
}

export function updateSettings(ctx: ServiceContext, actor: Actor, patch: SettingsPatch): FacilitySettings {
  if (patch.timeZone !== undefined && !isValidTimeZone(patch.timeZone)) {
    throw new AppError('VALIDATION_FAILED', `Unknown time zone "${patch.timeZone}". Use a name like Asia/Kolkata or UTC.`);
  }
  // The central server: '' clears a value; the three must make sense together.
  let serverUrl: string | null | undefined;
  if (patch.serverUrl !== undefined) {
    const raw = patch.serverUrl.trim();
    serverUrl = raw === '' ? null : checkedServerUrls(raw);
  }
  let kioskId: string | null | undefined;
  if (patch.kioskId !== undefined) {
    const raw = patch.kioskId.trim();
    if (raw !== '' && !KIOSK_ID_RE.test(raw)) throw new AppError('VALIDATION_FAILED', 'The kiosk id may use letters, digits and . _ : - only.');
    kioskId = raw === '' ? null : raw;
  }
  const secret = patch.kioskSecret !== undefined && patch.kioskSecret !== '' ? patch.kioskSecret : undefined;
  if (secret !== undefined && (secret.length < 8 || /\s/.test(secret))) {
    throw new AppError('VALIDATION_FAILED', 'The kiosk secret is the one `server:cli kiosk add` printed (8 or more characters, no spaces).');
  }
  const finalUrl = serverUrl !== undefined ? serverUrl : readStringSetting(ctx, SERVER_URL_KEY);
  const finalId = kioskId !== undefined ? kioskId : readStringSetting(ctx, KIOSK_ID_KEY);
  if (finalUrl && (!finalId || (secret === undefined && !readKioskSecretSaved(ctx)))) {
    throw new AppError('VALIDATION_FAILED', 'A central server needs the kiosk id and the kiosk secret it was enrolled with.');
  }
  // Saved before the transaction: a failure to write the secret file leaves the settings alone.
  if (secret !== undefined) saveKioskSecret(ctx, secret);
  const { q, db } = ctx.store;
  return q.tx(() => {
    const before = getSettings(ctx);
    const now = ctx.clock.now();
    const changed: Partial<Record<CoreKey, { from: unknown; to: unknown }>> = {};
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
    const server: [string, 'serverUrl' | 'kioskId', string | null | undefined][] = [
      [SERVER_URL_KEY, 'serverUrl', serverUrl],
      [KIOSK_ID_KEY, 'kioskId', kioskId],
    ];
    for (const [key, field, value] of server) {
      if (value === undefined || value === (before[field] ?? null)) continue;
      const json = JSON.stringify(value ?? '');
      q.run(
        db.insertInto('settings').values({ key, value: json, updated_at: now, updated_by: actor.operatorId })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now, updated_by: actor.operatorId })),
      );
      (changed as Record<string, unknown>)[field] = { from: before[field] ?? null, to: value, appliesAt: 'next start' };
    }
    // Only the fact that a secret was saved is audited, never the secret.
    if (secret !== undefined) (changed as Record<string, unknown>).kioskSecret = { saved: true, appliesAt: 'next start' };
    const after = getSettings(ctx);
    if (Object.keys(changed).length > 0) {
      ctx.audit.append({ operatorId: actor.operatorId, action: 'settings.updated', entityType: 'settings', entityId: null, details: changed });
      ctx.outbox.append('settings.updated', null, { settings: after, operatorId: actor.operatorId });
    }
    return after;
  });
}
