/**
 * Tax-exclusive tariffs: the fee on the sign is before GST, so the amount due is the fee with
 * its tax added (splitExclusive), less what was paid. With inclusive tariffs (the default) or
 * no GST registration the amount due is the tariff's, unchanged. The invoice then splits what
 * was paid back into exactly that fee and tax (splitPaidExclusive).
 */
import { istDay } from '../../src-shared/domain/gst-financial-year.js';
import { splitExclusive } from '../../src-shared/domain/tax-split.js';
import type { ServiceContext } from '../services/context.js';
import { getTaxSettings, rateOn } from './tax-settings.js';

interface Due { feePaise: number; lostTicketFeePaise: number; amountDuePaise: number }

export function withExclusiveTax<T extends Due>(ctx: ServiceContext, due: T, paidPaise: number): T {
  if (due.amountDuePaise === 0) return due; // paid, or inside the exit grace: nothing more
  const s = getTaxSettings(ctx);
  if (!s.invoicing || s.inclusive) return due;
  const gross = splitExclusive(due.feePaise + due.lostTicketFeePaise, rateOn(s, istDay(ctx.clock.now())), false).totalPaise;
  return { ...due, amountDuePaise: Math.max(0, gross - paidPaise) };
}
