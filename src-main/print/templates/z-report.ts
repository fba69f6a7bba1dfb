/**
 * The cash shift's Z report on paper: the same 40-column text the screen shows (shifts.ts
 * zReportText), so paper and screen never disagree. On 58 mm paper it prints in Font B (42 columns).
 */
import type { PaperWidth } from '../../../src-shared/contracts/print.js';
import { cut, text, type Block } from './blocks.js';

export function zReportBlocks(reportText: string, paperWidth: PaperWidth, copy: boolean): Block[] {
  const small = paperWidth === 58;
  const lines = reportText.split('\n');
  const blocks: Block[] = lines.map((l, i) => text(l === '' ? ' ' : l, { small, bold: i < 2 }));
  if (copy) blocks.splice(2, 0, text('*** COPY ***', { small }));
  return [...blocks, cut];
}
