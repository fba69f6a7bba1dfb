/**
 * A drawer counted note by note and coin by coin: tap a denomination, then its count on the big
 * keypad (no typing needed); a physical keyboard types into the selected count too. The total
 * shown is a preview: the core sums the counts it is sent, and refuses bad ones.
 */
import { useState, type ReactNode } from 'react';
import { DENOMINATIONS, MAX_PIECES, type DenominationCode, type DenominationCounts } from '../../src-shared/contracts/cash-count.js';
import { useT } from '../i18n/index.js';
import { formatINR } from '../lib/format.js';
import { Keypad } from './Keypad.js';
import '../styles/denominations.css';

const DIGITS = String(MAX_PIECES).length;

export function denominationName(t: ReturnType<typeof useT>, code: DenominationCode): string {
  const d = DENOMINATIONS.find((x) => x.code === code)!;
  return t(d.kind === 'NOTE' ? 'cash.note' : 'cash.coin', { value: d.valuePaise / 100 });
}

/** Preview of the total the core will compute (display only). */
export function previewTotalPaise(counts: DenominationCounts): number {
  return DENOMINATIONS.reduce((sum, d) => sum + (counts[d.code] ?? 0) * d.valuePaise, 0);
}

export function DenominationCounter({ label, counts, onCounts, disabled, testId, children }: {
  label: string;
  /** The form's action (e.g. Open shift), kept under the keypad so it stays on screen. */
  children?: ReactNode;
  counts: DenominationCounts;
  onCounts(next: DenominationCounts): void;
  disabled?: boolean;
  testId?: string;
}) {
  const t = useT();
  const [selected, setSelected] = useState<DenominationCode>('N500');
  const text = (code: DenominationCode) => (counts[code] === undefined ? '' : String(counts[code]));
  const set = (code: DenominationCode, digits: string) => {
    const clean = digits.replace(/\D/g, '').slice(0, DIGITS).replace(/^0+(?=\d)/, '');
    const next = { ...counts };
    if (clean === '') delete next[code];
    else next[code] = Number(clean);
    onCounts(next);
  };
  return (
    <div className="denoms" role="group" aria-label={label} data-testid={testId}>
      <div className="denoms-grid">
        {DENOMINATIONS.map((d) => {
          const name = denominationName(t, d.code);
          return (
            <label key={d.code} className={`denom denom-${d.kind.toLowerCase()} ${selected === d.code ? 'is-selected' : ''}`} data-testid={`denom-${d.code}`}>
              <span className="denom-name">{name}</span>
              <input
                className="denom-count"
                value={text(d.code)}
                placeholder="0"
                inputMode="none"
                autoComplete="off"
                aria-label={t('cash.countOf', { name })}
                disabled={disabled}
                onFocus={() => setSelected(d.code)}
                onChange={(e) => set(d.code, e.target.value)}
              />
            </label>
          );
        })}
      </div>
      <div className="denoms-pad">
        <p className="denoms-selected" aria-live="polite">{t('cash.selected', { name: denominationName(t, selected) })}</p>
        <Keypad
          label={t('cash.keypad')}
          disabled={disabled}
          onKey={(k) => set(selected, text(selected) + k)}
          onBackspace={() => set(selected, text(selected).slice(0, -1))}
          onClear={() => set(selected, '')}
        />
        <p className="denoms-total" data-testid={testId ? `${testId}-total` : undefined}>
          {t('cash.total')} <strong>{formatINR(previewTotalPaise(counts))}</strong>
        </p>
        {children}
      </div>
    </div>
  );
}
