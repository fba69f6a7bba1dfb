/** The passes with their status and expiry; renew for the cashier, reset to neutral for a supervisor. */
import type { PassView } from '../../src-shared/contracts/passes.js';
import { useT } from '../i18n/index.js';
import { formatDateTime } from '../lib/format.js';
import { useLanguage } from '../stores/language.js';
import { passStatus } from './order.js';

interface Props {
  passes: readonly PassView[];
  nowMs: number;
  supervisor: boolean;
  busy: boolean;
  onRenew(p: PassView): void;
  onReset(p: PassView): void;
}

export function PassList({ passes, nowMs, supervisor, busy, onRenew, onReset }: Props) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  if (passes.length === 0) return <p className="muted">{t('passes.none')}</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="pass-list">
        <thead>
          <tr>
            <th scope="col">{t('passes.col.holder')}</th>
            <th scope="col">{t('passes.col.plates')}</th>
            <th scope="col">{t('passes.col.kind')}</th>
            <th scope="col">{t('passes.col.until')}</th>
            <th scope="col">{t('passes.col.status')}</th>
            <th scope="col">{t('passes.col.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {passes.map((p) => {
            const st = passStatus(p, nowMs);
            return (
              <tr key={p.id} data-testid={`pass-row-${p.plates[0] ?? p.id}`}>
                <td>{p.holderName}</td>
                <td>{p.plates.join(', ') || p.cardId}</td>
                <td>{t(`passes.kind.${p.kind}`)}</td>
                <td>{formatDateTime(p.validUntil, lang)}</td>
                <td data-testid="pass-status">{t(st.key, { inside: st.inside })}</td>
                <td className="row-actions">
                  <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={() => onRenew(p)} data-testid="pass-renew">{t('passes.renew')}</button>
                  {supervisor && !p.neutral && (
                    <button type="button" className="btn btn-secondary btn-sm" disabled={busy} onClick={() => onReset(p)} data-testid="pass-reset">{t('passes.reset')}</button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
