/** A closed shift's drawer by note and coin: the float at sign-on beside the blind count. */
import type { DenominationLine } from '../../src-shared/contracts/cash-count.js';
import { useT } from '../i18n/index.js';
import { formatINR } from '../lib/format.js';
import { denominationName } from './DenominationCounter.js';

export function DenominationTable({ float, counted }: { float: DenominationLine[] | null; counted: DenominationLine[] | null }) {
  const t = useT();
  const base = counted ?? float;
  if (!base) return null;
  const sum = (lines: DenominationLine[] | null) => (lines ? formatINR(lines.reduce((s, l) => s + l.totalPaise, 0)) : '—');
  return (
    <table className="table denoms-table" data-testid="shift-denominations">
      <caption>{t('cash.byDenomination')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('cash.denomination')}</th>
          <th scope="col">{t('cash.floatLines')}</th>
          <th scope="col">{t('cash.countedLines')}</th>
        </tr>
      </thead>
      <tbody>
        {base.map((l, i) => (
          <tr key={l.code}>
            <th scope="row">{denominationName(t, l.code)}</th>
            <td>{float ? `${float[i]!.count} · ${formatINR(float[i]!.totalPaise)}` : '—'}</td>
            <td>{counted ? `${counted[i]!.count} · ${formatINR(counted[i]!.totalPaise)}` : '—'}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">{t('cash.total')}</th>
          <td><strong>{sum(float)}</strong></td>
          <td><strong>{sum(counted)}</strong></td>
        </tr>
      </tbody>
    </table>
  );
}
