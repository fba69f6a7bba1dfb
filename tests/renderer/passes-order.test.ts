/** The Passes screen's own rules: a pass's status in words, the starting price, the sale's input. */
import { describe, expect, it } from 'vitest';
import type { PassView } from '../../src-shared/contracts/passes.js';
import { lastPrice, passStatus, saleInput } from '../../src-renderer/passes/order.js';

const pass = (over: Partial<PassView>): PassView => ({
  id: 'p1', kind: 'MONTHLY', holderName: 'A', plates: ['KA01AB1234'], cardId: null, zones: [], hours: null,
  validFrom: '2026-01-01T00:00:00Z', validUntil: '2026-02-01T00:00:00Z', maxCars: 1, antiPassback: 'HARD', pricePaise: 150_000,
  inside: 0, neutral: false, ...over,
});
const at = (iso: string) => Date.parse(iso);

describe('pass status on the Passes screen', () => {
  it('ended at its last instant, not started before its first', () => {
    expect(passStatus(pass({}), at('2026-02-01T00:00:00Z')).key).toBe('passes.status.ended');
    expect(passStatus(pass({}), at('2026-01-31T23:59:59Z')).key).toBe('passes.status.out');
    expect(passStatus(pass({}), at('2025-12-31T23:59:59Z')).key).toBe('passes.status.notStarted');
  });
  it('inside with its car count; neutral after a reset', () => {
    expect(passStatus(pass({ inside: 2 }), at('2026-01-10T00:00:00Z'))).toEqual({ key: 'passes.status.inside', inside: 2 });
    expect(passStatus(pass({ neutral: true }), at('2026-01-10T00:00:00Z')).key).toBe('passes.status.neutral');
  });
  it('the price starts at the last pass of the same period; the sale sends the normalised plate', () => {
    const list = [pass({ pricePaise: 100_000 }), pass({ kind: 'QUARTERLY', pricePaise: 400_000 }), pass({ pricePaise: 150_000 })];
    expect(lastPrice(list, 'MONTHLY')).toBe(150_000);
    expect(lastPrice(list, 'QUARTERLY')).toBe(400_000);
    expect(lastPrice([], 'MONTHLY')).toBeNull();
    expect(saleInput({ kind: 'SALE', holderName: ' Asha ', plate: 'KA01AB1234', passKind: 'MONTHLY', pricePaise: 1 }))
      .toEqual({ kind: 'MONTHLY', holderName: 'Asha', plates: ['KA01AB1234'], pricePaise: 1 });
  });
});
