/** UPI deep link (NPCI linking spec): values percent-encoded, `am` in rupees with two decimals. */
import { paiseToRupees } from '../util/money.js';

export interface UpiLink {
  vpa: string;
  payeeName: string;
  txnRef: string;
  note: string;
  amountPaise: number;
  merchantCode?: string;
}

export function buildUpiUri(l: UpiLink): string {
  const parts: Array<[string, string]> = [
    ['pa', l.vpa],
    ['pn', l.payeeName],
    ['tr', l.txnRef],
    ['tn', l.note],
    ['am', paiseToRupees(l.amountPaise)],
    ['cu', 'INR'],
  ];
  if (l.merchantCode) parts.push(['mc', l.merchantCode]);
  return `upi://pay?${parts.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}

/** For logs: keep the handle's first two characters and the PSP, hide the rest. */
export function maskVpa(vpa: string): string {
  const at = vpa.indexOf('@');
  if (at < 0) return '***';
  return `${vpa.slice(0, Math.min(2, at))}***${vpa.slice(at)}`;
}
