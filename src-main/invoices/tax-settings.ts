/**
 * The facility's GST settings: one `tax` row (JSON) in the settings table. The rate is a
 * schedule: a change takes effect from a day (today or later, IST) and issued documents keep
 * the rate they were issued with, so no change ever rewrites one. Admin only; audited.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import { taxSettingsInputSchema, type TaxRatePeriod, type TaxSettings, type TaxSettingsInput } from '../../src-shared/contracts/invoices.js';
import { istDay } from '../../src-shared/domain/gst-financial-year.js';
import { GST_STATE_CODES } from '../../src-shared/domain/gstin.js';
import { defaultSeriesPrefix } from '../../src-shared/domain/invoice-number.js';
import { DEFAULT_GST_RATE_BP } from '../../src-shared/domain/tax-split.js';
import type { Actor, ServiceContext } from '../services/context.js';

export const TAX_SETTINGS_KEY = 'tax';
/** Parking lot services. */
export const DEFAULT_SAC = '996743';
const EPOCH_DAY = '2017-07-01'; // GST began; the default rate applies from then

type Stored = Omit<TaxSettings, 'invoicing' | 'seriesPrefix'> & { seriesPrefix: string | null };

function defaults(): Stored {
  return {
    legalName: '', address: '', stateName: '', stateCode: '', gstin: null, inclusive: true, sac: DEFAULT_SAC,
    rates: [{ from: EPOCH_DAY, rateBp: DEFAULT_GST_RATE_BP }], seriesPrefix: null,
  };
}

function readStored(ctx: ServiceContext): Stored {
  const { q, db } = ctx.store;
  const row = q.first(db.selectFrom('settings').select('value').where('key', '=', TAX_SETTINGS_KEY));
  if (!row) return defaults();
  try {
    return { ...defaults(), ...(JSON.parse(row.value) as Partial<Stored>) };
  } catch {
    return defaults();
  }
}

function view(ctx: ServiceContext, s: Stored): TaxSettings {
  return {
    ...s,
    seriesPrefix: s.seriesPrefix ?? defaultSeriesPrefix(ctx.kioskId),
    invoicing: !!(s.gstin && s.legalName && s.address && s.stateCode),
  };
}

export function getTaxSettings(ctx: ServiceContext): TaxSettings {
  return view(ctx, readStored(ctx));
}

/** The rate in force on an IST day. */
export function rateOn(settings: Pick<TaxSettings, 'rates'>, day: string): number {
  let rate = DEFAULT_GST_RATE_BP;
  for (const r of settings.rates) if (r.from <= day) rate = r.rateBp;
  return rate;
}

export function updateTaxSettings(ctx: ServiceContext, actor: Actor, input: TaxSettingsInput): TaxSettings {
  const parsed = taxSettingsInputSchema.safeParse(input);
  if (!parsed.success) throw new AppError('VALIDATION_FAILED', parsed.error.issues.map((i) => i.message).join('; '), { issues: parsed.error.issues });
  const patch = parsed.data;
  const { q, db } = ctx.store;
  return q.tx(() => {
    const before = readStored(ctx);
    const next: Stored = { ...before, rates: [...before.rates] };
    for (const key of ['legalName', 'address', 'stateName', 'stateCode', 'gstin', 'inclusive', 'sac', 'seriesPrefix'] as const) {
      if (patch[key] !== undefined) (next as Record<string, unknown>)[key] = patch[key];
    }
    if (patch.stateCode !== undefined && patch.stateName === undefined) next.stateName = GST_STATE_CODES[patch.stateCode] ?? next.stateName;
    const gstin = next.gstin;
    if (gstin && next.stateCode && gstin.slice(0, 2) !== next.stateCode) {
      throw new AppError('VALIDATION_FAILED', `The GSTIN ${gstin} is registered in state ${gstin.slice(0, 2)}, not in the facility's state ${next.stateCode}.`);
    }
    if (patch.rateFrom !== undefined && patch.rateBp === undefined) throw new AppError('VALIDATION_FAILED', 'Give the new rate with its start date.');
    if (patch.rateBp !== undefined) {
      const today = istDay(ctx.clock.now());
      const from = patch.rateFrom ?? today;
      if (from < today) throw new AppError('VALIDATION_FAILED', `A rate change takes effect from today (${today}) or later, never in the past: issued invoices keep their rate.`);
      // Future entries from that day on are replaced; the past stays as it was.
      next.rates = [...next.rates.filter((r) => r.from < from), { from, rateBp: patch.rateBp } satisfies TaxRatePeriod];
    }
    const now = ctx.clock.now();
    const json = JSON.stringify(next);
    q.run(
      db.insertInto('settings').values({ key: TAX_SETTINGS_KEY, value: json, updated_at: now, updated_by: actor.operatorId })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now, updated_by: actor.operatorId })),
    );
    ctx.audit.append({ operatorId: actor.operatorId, action: 'settings.updated', entityType: 'settings', entityId: TAX_SETTINGS_KEY, details: { tax: { from: before, to: next } } });
    return view(ctx, next);
  });
}
