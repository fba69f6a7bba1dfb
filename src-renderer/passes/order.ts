/** What the cashier is selling: a new pass or a renewal, at a price; and the pass's status in words. */
import type { PassView } from '../../src-shared/contracts/passes.js';
import type { MessageKey } from '../i18n/en.js';

export type SellKind = 'MONTHLY' | 'QUARTERLY';

export type PassOrder =
  | { kind: 'SALE'; holderName: string; plate: string; passKind: SellKind; pricePaise: number }
  | { kind: 'RENEWAL'; pass: PassView; pricePaise: number };

export function saleInput(o: Extract<PassOrder, { kind: 'SALE' }>) {
  return { kind: o.passKind, holderName: o.holderName.trim(), plates: [o.plate], pricePaise: o.pricePaise };
}

/** The form's starting price: that of the last listed pass of this period (the list is by holder), if any. */
export function lastPrice(passes: readonly PassView[], kind: SellKind): number | null {
  const same = passes.filter((p) => p.kind === kind);
  return same.length ? same[same.length - 1]!.pricePaise : null;
}

export function passStatus(p: PassView, nowMs: number): { key: MessageKey; inside: number } {
  if (Date.parse(p.validUntil) <= nowMs) return { key: 'passes.status.ended', inside: 0 };
  if (Date.parse(p.validFrom) > nowMs) return { key: 'passes.status.notStarted', inside: 0 };
  if (p.inside > 0) return { key: 'passes.status.inside', inside: p.inside };
  return { key: p.neutral ? 'passes.status.neutral' : 'passes.status.out', inside: 0 };
}
