import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { financialYearOf, istDay, istDayRange, istMonthRange } from '../../src-shared/domain/gst-financial-year.js';
import { gstinCheckCharacter, validateGstin } from '../../src-shared/domain/gstin.js';
import { defaultSeriesPrefix, formatInvoiceNumber, INVOICE_NUMBER_MAX_LENGTH, parseInvoiceNumber } from '../../src-shared/domain/invoice-number.js';
import { formatRate, isInterState, splitExclusive, splitInclusive } from '../../src-shared/domain/tax-split.js';

describe('GSTIN', () => {
  // Published GSTINs (the GST portal's sample, and registered companies quoted in public documents).
  it.each(['27AAPFU0939F1ZV', '29AAGCB7383J1Z4', '27AAACR5055K1Z7', '24AAACC1206D1ZM', '33AAACH7409R1Z8'])('accepts %s', (g) => {
    const r = validateGstin(g);
    expect(r).toMatchObject({ ok: true, gstin: g, stateCode: g.slice(0, 2), pan: g.slice(2, 12) });
  });

  it('folds case and spaces as typed', () => {
    expect(validateGstin(' 27aapfu0939f1zv ')).toMatchObject({ ok: true, gstin: '27AAPFU0939F1ZV' });
  });

  it('computes the check character of the portal sample', () => {
    expect(gstinCheckCharacter('27AAPFU0939F1Z')).toBe('V');
  });

  it.each([
    ['', 'EMPTY'],
    ['27AAPFU0939F1Z', 'LENGTH'],
    ['27AAPFU0939F1ZVX', 'LENGTH'],
    ['27AAPFU0939F1ZX', 'CHECK'], // last character changed
    ['27AAPFU0939F1ZW', 'CHECK'],
    ['27AAPFU0939E1ZV', 'CHECK'], // a PAN letter mistyped
    ['29AAPFU0939F1ZV', 'CHECK'], // state code changed
    ['72AAPFU0939F1ZV', 'STATE'], // state digits swapped: no such state
    ['27AAPFU0939F1AV', 'FORMAT'], // 14th must be Z
    ['27AAPF00939F1ZV', 'FORMAT'], // PAN letters
    ['27AAPFU0939F0ZV', 'FORMAT'], // entity number 0
    ['99AAPFU0939F1ZV', 'STATE'],
  ])('refuses %j (%s) with a message', (g, problem) => {
    const r = validateGstin(g);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problem).toBe(problem);
    expect(r.message.length).toBeGreaterThan(10);
  });

  it('every single-character substitution of a valid GSTIN is refused', () => {
    const base = '27AAPFU0939F1ZV';
    const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    for (let i = 0; i < 15; i++) {
      for (const c of alphabet) {
        if (c === base[i]) continue;
        const g = base.slice(0, i) + c + base.slice(i + 1);
        expect(validateGstin(g).ok, g).toBe(false);
      }
    }
  });
});

describe('tax split: boundary table at 18 %', () => {
  // [paid paise, taxable, cgst, sgst]: inclusive, within the state.
  it.each([
    [0, 0, 0, 0],
    [1, 1, 0, 0], // 1 paisa: 0.847 rounds to 1 taxable, no tax
    [2, 2, 0, 0],
    [6, 5, 1, 0], // 5.08 -> 5, tax 1: the odd paisa goes to CGST
    [100, 85, 8, 7],
    [11800, 10000, 900, 900],
    [19999, 16948, 1526, 1525], // Rs 199.99
    [20000, 16949, 1526, 1525], // Rs 200
    [20001, 16950, 1526, 1525],
    [1_000_000_000_000, 847_457_627_119, 76_271_186_441, 76_271_186_440], // Rs 1000 crore: 847457627118.64
    [Number.MAX_SAFE_INTEGER, 7_633_219_707_407_619, 686_989_773_666_686, 686_989_773_666_686], // 7633219707407619.49 (bc),
  ])('inclusive %i paise -> taxable %i, CGST %i, SGST %i', (paid, taxable, cgst, sgst) => {
    const s = splitInclusive(paid, 1800, false);
    expect(s).toMatchObject({ taxablePaise: taxable, cgstPaise: cgst, sgstPaise: sgst, igstPaise: 0, totalPaise: paid });
    expect(s.cgstPaise + s.sgstPaise).toBe(s.taxPaise);
    expect(s.taxablePaise + s.taxPaise).toBe(paid);
  });

  it.each([
    [1, 0, 1],
    [3, 1, 4], // 0.54 -> 1
    [25, 5, 30], // 4.5: exactly half rounds up
    [24, 4, 28], // 4.32 -> 4
    [16949, 3051, 20000], // 3050.82 -> 3051
    [19999, 3600, 23599], // Rs 199.99 before tax
    [20000, 3600, 23600], // Rs 200 before tax
    [5_000_000_000_000, 900_000_000_000, 5_900_000_000_000],
  ])('exclusive fee %i paise -> tax %i, total %i', (fee, tax, total) => {
    const s = splitExclusive(fee, 1800, false);
    expect(s).toMatchObject({ taxablePaise: fee, taxPaise: tax, totalPaise: total });
    expect(s.cgstPaise + s.sgstPaise).toBe(tax);
    expect(s.cgstPaise - s.sgstPaise).toBe(tax % 2);
  });

  it('inter-state: all of the tax is IGST', () => {
    expect(splitInclusive(20000, 1800, true)).toMatchObject({ taxablePaise: 16949, igstPaise: 3051, cgstPaise: 0, sgstPaise: 0, taxPaise: 3051 });
    expect(splitExclusive(25, 1800, true)).toMatchObject({ igstPaise: 5, cgstPaise: 0, sgstPaise: 0, totalPaise: 30 });
    expect(isInterState('27', '27')).toBe(false);
    expect(isInterState('27', '29')).toBe(true);
  });

  it('other rates and zero', () => {
    expect(splitInclusive(10500, 500, false)).toMatchObject({ taxablePaise: 10000, cgstPaise: 250, sgstPaise: 250 });
    expect(splitInclusive(12345, 0, false)).toMatchObject({ taxablePaise: 12345, taxPaise: 0 });
    expect(formatRate(1800)).toBe('18%');
    expect(formatRate(250)).toBe('2.5%');
    expect(formatRate(1825)).toBe('18.25%');
  });

  it('refuses bad input', () => {
    expect(() => splitInclusive(-1, 1800, false)).toThrow(RangeError);
    expect(() => splitInclusive(1.5, 1800, false)).toThrow(RangeError);
    expect(() => splitInclusive(100, 4001, false)).toThrow(RangeError);
    expect(() => splitExclusive(Number.MAX_SAFE_INTEGER, 1800, false)).toThrow(RangeError);
  });

  it('invariants for any amount and rate: sums exact, halves within a paisa, taxable nearest', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 10 ** 13 }), fc.integer({ min: 0, max: 4000 }), fc.boolean(), (paid, rate, inter) => {
      const s = splitInclusive(paid, rate, inter);
      expect(s.taxablePaise + s.taxPaise).toBe(paid);
      expect(s.cgstPaise + s.sgstPaise + s.igstPaise).toBe(s.taxPaise);
      expect(Math.abs(s.cgstPaise - s.sgstPaise)).toBeLessThanOrEqual(1);
      // taxable * (1 + r) is within half a step of what was paid
      // (BigInt: these products pass 2^53)
      const off = BigInt(s.taxablePaise) * BigInt(10000 + rate) - BigInt(paid) * 10000n;
      expect(2n * (off < 0n ? -off : off) <= BigInt(10000 + rate)).toBe(true);
      const e = splitExclusive(paid, rate, inter);
      expect(e.taxablePaise + e.taxPaise).toBe(e.totalPaise);
      const eOff = BigInt(e.taxPaise) * 10000n - BigInt(paid) * BigInt(rate);
      expect((eOff < 0n ? -eOff : eOff) <= 5000n).toBe(true);
    }), { numRuns: 2000 });
  });
});

describe('financial year and IST day', () => {
  it('changes at midnight IST on 31 March', () => {
    const before = Date.parse('2027-03-31T18:29:59.999Z');
    const after = Date.parse('2027-03-31T18:30:00.000Z');
    expect(financialYearOf(before)).toMatchObject({ startYear: 2026, label: '2026-27', code: '2627' });
    expect(financialYearOf(after)).toMatchObject({ startYear: 2027, label: '2027-28', code: '2728' });
    expect(financialYearOf(after).startMs).toBe(after);
    expect(financialYearOf(before).endMs).toBe(after);
    expect(istDay(before)).toBe('2027-03-31');
    expect(istDay(after)).toBe('2027-04-01');
  });

  it('January belongs to the year that started the April before; the century rolls', () => {
    expect(financialYearOf(Date.parse('2027-01-15T12:00:00Z')).label).toBe('2026-27');
    expect(financialYearOf(Date.parse('2099-12-31T00:00:00Z')).code).toBe('9900');
  });

  it('day and month ranges are IST', () => {
    expect(istDayRange('2026-12-03')).toEqual({ startMs: Date.parse('2026-12-02T18:30:00Z'), endMs: Date.parse('2026-12-03T18:30:00Z') });
    expect(istMonthRange('2026-12')).toEqual({ startMs: Date.parse('2026-11-30T18:30:00Z'), endMs: Date.parse('2026-12-31T18:30:00Z') });
  });
});

describe('invoice numbers', () => {
  const fy = financialYearOf(Date.parse('2026-12-03T00:00:00Z'));
  it('gate prefix + series + FY + six-digit counter, at most 16 characters', () => {
    expect(formatInvoiceNumber('G01', 'TAX_INVOICE', fy, 1)).toBe('G01I/2627/000001');
    expect(formatInvoiceNumber('G01', 'CREDIT_NOTE', fy, 999_999)).toBe('G01C/2627/999999');
    expect(formatInvoiceNumber('G01', 'TAX_INVOICE', fy, 999_999).length).toBe(INVOICE_NUMBER_MAX_LENGTH);
    expect(formatInvoiceNumber('A', 'TAX_INVOICE', fy, 7)).toBe('AI/2627/000007');
  });
  it('refuses a full series, a zero counter, a bad prefix', () => {
    expect(() => formatInvoiceNumber('G01', 'TAX_INVOICE', fy, 1_000_000)).toThrow(/full/);
    expect(() => formatInvoiceNumber('G01', 'TAX_INVOICE', fy, 0)).toThrow(RangeError);
    expect(() => formatInvoiceNumber('G001', 'TAX_INVOICE', fy, 1)).toThrow(RangeError);
    expect(() => formatInvoiceNumber('g1', 'TAX_INVOICE', fy, 1)).toThrow(RangeError);
  });
  it('parses back and derives a prefix from a kiosk id', () => {
    expect(parseInvoiceNumber('G01I/2627/000042')).toEqual({ prefix: 'G01', series: 'TAX_INVOICE', fyCode: '2627', counter: 42 });
    expect(parseInvoiceNumber('G01X/2627/000042')).toBeNull();
    expect(defaultSeriesPrefix('kiosk-7f3a')).toBe('F3A');
    expect(defaultSeriesPrefix('---')).toBe('K');
  });
});
