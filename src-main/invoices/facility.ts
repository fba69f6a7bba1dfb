/**
 * The facility-wide side of GST at a gate. tax.configure with the series check: before the settings are saved, the gate
 * claims the series prefix it will number with at the central server, which refuses a prefix
 * another gate holds (two gates with one prefix would issue the same invoice numbers). A gate
 * linked to a server that cannot be reached saves nothing: the check cannot be skipped. A
 * standalone kiosk (no server) is the facility's only gate and needs no check.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import { taxSettingsInputSchema, type TaxSettings, type TaxSettingsInput } from '../../src-shared/contracts/invoices.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { getTaxSettings, updateTaxSettings } from './tax-settings.js';

export interface SeriesClaimPort {
  claimInvoiceSeries(prefix: string): Promise<void>;
}

export async function configureTax(ctx: ServiceContext, server: SeriesClaimPort | null, actor: Actor, input: TaxSettingsInput): Promise<TaxSettings> {
  const parsed = taxSettingsInputSchema.safeParse(input);
  // Bad input is refused by the settings writer with its own messages, before any claim.
  if (!parsed.success || !server) return updateTaxSettings(ctx, actor, input);
  const prefix = parsed.data.seriesPrefix ?? getTaxSettings(ctx).seriesPrefix;
  try {
    await server.claimInvoiceSeries(prefix);
  } catch (err) {
    if (err instanceof AppError && err.code === 'OFFLINE') {
      throw new AppError('OFFLINE', 'Saving the GST settings needs the central server (it checks that no other gate uses this invoice series). Try again when the kiosk is online.', { reason: 'SERIES_CHECK_OFFLINE' });
    }
    throw err;
  }
  return updateTaxSettings(ctx, actor, input);
}

/** reports.gstr1 { facility: true }: the whole facility's return, which only the central server can see. */
export async function facilityGstr1(server: { facilityGstr1(month: string): Promise<{ fileName: string; mimeType: string; csv: string }> } | null, month: string): Promise<{ fileName: string; mimeType: string; csv: string }> {
  if (!server) throw new AppError('CONFLICT', 'The facility-wide GSTR-1 needs the central server, and this kiosk has none. Export this gate\'s return instead.', { reason: 'NO_SERVER' });
  const r = await server.facilityGstr1(month);
  return { fileName: r.fileName, mimeType: r.mimeType, csv: r.csv };
}
