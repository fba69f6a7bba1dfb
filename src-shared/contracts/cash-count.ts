/**
 * Indian notes and coins a cash drawer is counted in (the shift's float at sign-on and the blind
 * count at close). Rs 20 and Rs 10 exist as both a note and a coin, so each has two codes.
 */
export const DENOMINATIONS = [
  { code: 'N500', kind: 'NOTE', valuePaise: 50_000 },
  { code: 'N200', kind: 'NOTE', valuePaise: 20_000 },
  { code: 'N100', kind: 'NOTE', valuePaise: 10_000 },
  { code: 'N50', kind: 'NOTE', valuePaise: 5_000 },
  { code: 'N20', kind: 'NOTE', valuePaise: 2_000 },
  { code: 'N10', kind: 'NOTE', valuePaise: 1_000 },
  { code: 'C20', kind: 'COIN', valuePaise: 2_000 },
  { code: 'C10', kind: 'COIN', valuePaise: 1_000 },
  { code: 'C5', kind: 'COIN', valuePaise: 500 },
  { code: 'C2', kind: 'COIN', valuePaise: 200 },
  { code: 'C1', kind: 'COIN', valuePaise: 100 },
] as const;

export type DenominationCode = (typeof DENOMINATIONS)[number]['code'];
export const DENOMINATION_CODES = DENOMINATIONS.map((d) => d.code) as DenominationCode[];

/** The most pieces of one denomination a count may hold (five keypad digits). */
export const MAX_PIECES = 99_999;

/** Pieces per denomination as the cashier entered them; a code left out counts 0. */
export type DenominationCounts = Partial<Record<DenominationCode, number>>;

/** One line of a stored count (API view): every denomination, in the order above. */
export interface DenominationLine {
  code: DenominationCode;
  kind: 'NOTE' | 'COIN';
  valuePaise: number;
  count: number;
  totalPaise: number;
}
