/**
 * What a printed document is made of, independent of the printer's language. Templates return
 * a list of blocks; render.ts turns them into ESC/POS. A later template (a tax invoice) extends
 * a receipt by adding blocks at its named insertion points, never by editing bytes.
 */
export type Align = 'left' | 'center' | 'right';

export type Block =
  /** One line (wrapped by the printer when longer than the paper). size 2 = double width and height. */
  | { kind: 'text'; text: string; align?: Align; bold?: boolean; size?: 1 | 2; small?: boolean }
  /** A label on the left and its value on the right of one line. */
  | { kind: 'pair'; left: string; right: string; bold?: boolean }
  | { kind: 'qr'; data: string }
  | { kind: 'rule' }
  | { kind: 'feed'; lines: number }
  | { kind: 'cut' };

export const text = (value: string, opts: Omit<Extract<Block, { kind: 'text' }>, 'kind' | 'text'> = {}): Block => ({ kind: 'text', text: value, ...opts });
export const pair = (left: string, right: string, bold = false): Block => ({ kind: 'pair', left, right, bold });
export const rule: Block = { kind: 'rule' };
export const feed = (lines = 1): Block => ({ kind: 'feed', lines });
export const cut: Block = { kind: 'cut' };
export const qr = (data: string): Block => ({ kind: 'qr', data });

/** Printable ASCII prints as printer text; anything else (₹, Devanagari) as a raster image. */
export function needsRaster(s: string): boolean {
  return /[^\x20-\x7e]/.test(s);
}
