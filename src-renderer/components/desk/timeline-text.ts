/** The session timeline in words: audit actions and their details as an operator reads them. */
import type { AuditEntry } from '../../../src-shared/contracts/entities.js';
import { en, type MessageKey } from '../../i18n/en.js';
import type { Translate } from '../../i18n/index.js';
import { formatINR } from '../../lib/format.js';

export function timelineAction(t: Translate, action: string): string {
  const key = `timeline.${action}` as MessageKey;
  return key in en ? t(key) : t('desk.timeline.other');
}

/** Only values with a translation (statuses, methods, money) and the operator's own words (reason). */
export function timelineDetail(t: Translate, e: AuditEntry): string {
  if (!e.details || typeof e.details !== 'object') return '';
  const d = e.details as Record<string, unknown>;
  const parts: string[] = [];
  const word = (key: string) => (key in en ? t(key as MessageKey) : null);
  for (const k of ['status', 'slotNumber', 'amountPaise', 'amountDuePaise', 'amountPaidPaise', 'method', 'reason']) {
    const v = d[k];
    if (v === undefined || v === null || typeof v === 'object') continue;
    if (k.endsWith('Paise') && typeof v === 'number') parts.push(formatINR(v));
    else if (k === 'status') parts.push(word(`exit.pay.${String(v)}`) ?? word(`status.${String(v)}`) ?? '');
    else if (k === 'method') parts.push(word(`desk.method.${String(v)}`) ?? '');
    else parts.push(String(v));
  }
  return parts.filter(Boolean).join(' · ');
}
