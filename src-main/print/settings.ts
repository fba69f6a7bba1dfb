/**
 * This kiosk's printer settings: one `printer` row (JSON) in the settings table, beside the
 * facility settings, validated by the shared schema. Per kiosk, never synced (each lane has its
 * own printer). A change is audited like every settings change and applies at once.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import { DEFAULT_PRINTER_SETTINGS, printerSettingsSchema, type PrinterSettings, type PrinterSettingsInput } from '../../src-shared/contracts/print.js';
import type { Actor, ServiceContext } from '../services/context.js';

export const PRINTER_SETTINGS_KEY = 'printer';

export function readPrinterSettings(ctx: ServiceContext): PrinterSettings {
  const { q, db } = ctx.store;
  const row = q.first(db.selectFrom('settings').select('value').where('key', '=', PRINTER_SETTINGS_KEY));
  if (!row) return { ...DEFAULT_PRINTER_SETTINGS };
  try {
    const parsed = printerSettingsSchema.safeParse(JSON.parse(row.value));
    return parsed.success ? { ...DEFAULT_PRINTER_SETTINGS, ...stripUndefined(parsed.data) } : { ...DEFAULT_PRINTER_SETTINGS };
  } catch {
    return { ...DEFAULT_PRINTER_SETTINGS };
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Replaces the settings with `input` over the current ones; a driver without its address is refused. */
export function writePrinterSettings(ctx: ServiceContext, actor: Actor, input: PrinterSettingsInput): PrinterSettings {
  const before = readPrinterSettings(ctx);
  const next: PrinterSettings = { ...before, ...stripUndefined(printerSettingsSchema.parse(input)) } as PrinterSettings;
  if (next.driver === 'tcp' && !next.host) throw new AppError('VALIDATION_FAILED', 'A network printer needs its address (host), e.g. 192.168.1.50.');
  if (next.driver === 'serial' && !next.path) throw new AppError('VALIDATION_FAILED', 'A serial printer needs its device, e.g. /dev/ttyUSB0 or COM3.');
  if (next.driver === 'device' && !next.path.startsWith('/')) throw new AppError('VALIDATION_FAILED', 'A device-file printer needs the full path of its device, e.g. /dev/usb/lp0.');
  const { q, db } = ctx.store;
  const now = ctx.clock.now();
  const json = JSON.stringify(next);
  q.tx(() => {
    q.run(
      db.insertInto('settings').values({ key: PRINTER_SETTINGS_KEY, value: json, updated_at: now, updated_by: actor.operatorId })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now, updated_by: actor.operatorId })),
    );
    ctx.audit.append({ operatorId: actor.operatorId, action: 'settings.updated', entityType: 'settings', entityId: PRINTER_SETTINGS_KEY, details: { printer: { from: before, to: next } } });
  });
  return next;
}
