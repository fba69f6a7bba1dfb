/** One CSV cell, shared by every CSV the product writes (kiosk reports, GSTR-1 on kiosk and server). */
export type Cell = string | number | null;

/** A cell as CSV text: formula-looking text neutralised, then quoted when needed. */
export function csvCell(value: Cell, kind: 'text' | 'number' = 'text'): string {
  if (value === null) return '';
  let text = String(value);
  if (kind === 'text' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}
