/**
 * The lane's settings, one settings row each: `laneConfig` (role, timings, manual-opening reasons:
 * the rules the core applies) and `laneDevices` (which drivers, addresses, contacts: the contract
 * in src-shared/contracts/lane-devices.ts). The ISAPI password never goes in the database: it is
 * kept in the secret store next to it (memory for in-memory test databases).
 */
import { resolve } from 'node:path';
import { DEFAULT_MANUAL_REASONS, laneConfigPatchSchema, OTHER_REASON, type LaneConfig, type LaneConfigPatch } from '../../src-shared/contracts/lane.js';
import { DEFAULT_LANE_DEVICE_SETTINGS, keepSavedSecret, laneDeviceSettingsSchema, type LaneDeviceSettings } from '../../src-shared/contracts/lane-devices.js';
import { DEFAULT_LANE_RULES, type LaneRules } from '../../src-shared/domain/lane-state.js';
import { createFileSecretStore, secretsDirFor } from '../ops/secret-store.js';
import type { Store } from '../store/open.js';
import type { ServiceContext } from './context.js';
import { DEFAULT_SETTINGS, isValidTimeZone } from './settings.js';

export const LANE_CONFIG_KEY = 'laneConfig';
export const LANE_DEVICES_KEY = 'laneDevices';
const ISAPI_PASSWORD_SECRET = 'lane-isapi-password';

export const DEFAULT_LANE_CONFIG: LaneConfig = Object.freeze({
  role: 'both',
  carWaitSeconds: DEFAULT_LANE_RULES.carWaitMs / 1000,
  noCarCloseSeconds: DEFAULT_LANE_RULES.noCarCloseMs / 1000,
  pendingExpiryMinutes: DEFAULT_LANE_RULES.pendingExpiryMs / 60_000,
  heldUpSeconds: DEFAULT_LANE_RULES.heldUpMs / 1000,
  tailgateWindowSeconds: DEFAULT_LANE_RULES.tailgateWindowMs / 1000,
  manualReasons: [...DEFAULT_MANUAL_REASONS],
}) as LaneConfig;


/** In-memory databases (tests) have no data directory: their secret lives with the store. */
const MEMORY_SECRETS = new WeakMap<Store, string>();

function isMemory(store: Store): boolean {
  return !store.sqlite.name || store.sqlite.name === ':memory:' || store.sqlite.memory;
}

function readPassword(store: Store): string | null {
  if (isMemory(store)) return MEMORY_SECRETS.get(store) ?? null;
  try {
    return createFileSecretStore(secretsDirFor(resolve(store.sqlite.name))).get(ISAPI_PASSWORD_SECRET);
  } catch {
    return null;
  }
}

function writePassword(store: Store, password: string | null): void {
  if (isMemory(store)) {
    if (password === null) MEMORY_SECRETS.delete(store);
    else MEMORY_SECRETS.set(store, password);
    return;
  }
  const secrets = createFileSecretStore(secretsDirFor(resolve(store.sqlite.name)));
  if (password === null) secrets.delete(ISAPI_PASSWORD_SECRET);
  else secrets.set(ISAPI_PASSWORD_SECRET, password);
}

function readRow(store: Store, key: string): unknown {
  const row = store.q.first(store.db.selectFrom('settings').select('value').where('key', '=', key));
  if (!row) return undefined;
  try {
    return JSON.parse(row.value) as unknown;
  } catch {
    return undefined;
  }
}

function writeRow(deps: ServiceContext, operatorId: string | null, key: string, value: unknown): void {
  const json = JSON.stringify(value);
  const now = deps.clock.now();
  deps.store.q.run(
    deps.store.db.insertInto('settings').values({ key, value: json, updated_at: now, updated_by: operatorId })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now, updated_by: operatorId })),
  );
}

function withOther(reasons: string[]): string[] {
  const unique = [...new Set(reasons.filter((r) => r !== OTHER_REASON))];
  return [...unique, OTHER_REASON];
}

export function getLaneConfig(store: Store): LaneConfig {
  const raw = readRow(store, LANE_CONFIG_KEY);
  const parsed = laneConfigPatchSchema.safeParse(raw ?? {});
  // A row that no longer parses (edited by hand, older shape) falls back to the defaults, never breaks the lane.
  const merged = { ...DEFAULT_LANE_CONFIG, ...(parsed.success ? parsed.data : {}) };
  return { ...merged, manualReasons: withOther(merged.manualReasons) };
}

export function updateLaneConfig(deps: ServiceContext, operatorId: string, patch: LaneConfigPatch): LaneConfig {
  return deps.store.q.tx(() => {
    const before = getLaneConfig(deps.store);
    const next: LaneConfig = { ...before, ...patch, manualReasons: withOther(patch.manualReasons ?? before.manualReasons) };
    writeRow(deps, operatorId, LANE_CONFIG_KEY, next);
    deps.audit.append({ operatorId, action: 'lane.configUpdated', entityType: 'settings', entityId: LANE_CONFIG_KEY, details: { from: before, to: next } });
    return next;
  });
}

export function laneRules(config: LaneConfig, devices: LaneDeviceSettings): LaneRules {
  const loops = devices.loops.driver !== 'none';
  return {
    hasArmingLoop: loops,
    hasSafetyLoop: loops,
    carWaitMs: config.carWaitSeconds * 1000,
    noCarCloseMs: config.noCarCloseSeconds * 1000,
    pendingExpiryMs: config.pendingExpiryMinutes * 60_000,
    heldUpMs: config.heldUpSeconds * 1000,
    tailgateWindowMs: config.tailgateWindowSeconds * 1000,
  };
}

/** The saved device settings with the ISAPI password put back from the secret store. */
export function getLaneDeviceSettings(store: Store): LaneDeviceSettings {
  const raw = readRow(store, LANE_DEVICES_KEY);
  const parsed = laneDeviceSettingsSchema.safeParse(raw ?? {});
  const settings = parsed.success ? parsed.data : DEFAULT_LANE_DEVICE_SETTINGS;
  if (settings.barrier.driver !== 'isapi') return settings;
  const password = readPassword(store);
  return password === null ? settings : { ...settings, barrier: { ...settings.barrier, password } };
}

export function saveLaneDeviceSettings(deps: ServiceContext, operatorId: string, input: LaneDeviceSettings): LaneDeviceSettings {
  const saved = getLaneDeviceSettings(deps.store);
  const next = keepSavedSecret(input, saved);
  const password = next.barrier.driver === 'isapi' ? next.barrier.password ?? null : null;
  // The password goes to the secret store first: a failure to write it leaves the settings alone.
  writePassword(deps.store, password);
  if (password) deps.ops.redactor.addSecret(password); // never in a log line from now on
  const row = next.barrier.driver === 'isapi' ? { ...next, barrier: { ...next.barrier, password: undefined } } : next;
  deps.store.q.tx(() => {
    writeRow(deps, operatorId, LANE_DEVICES_KEY, row);
    const { password: _hidden, ...barrierShown } = next.barrier as { password?: string };
    deps.audit.append({
      operatorId, action: 'lane.devicesUpdated', entityType: 'settings', entityId: LANE_DEVICES_KEY,
      details: { barrier: barrierShown, loops: next.loops, passwordSet: password !== null },
    });
  });
  return next;
}

/** The facility's time zone (the lane's "today"), read without the rest of the facility settings. */
export function laneTimeZone(store: Store): string {
  const tz = readRow(store, 'timeZone');
  return typeof tz === 'string' && isValidTimeZone(tz) ? tz : DEFAULT_SETTINGS.timeZone;
}
