/**
 * The e-receipt link by SMS through an MSG91-style HTTP API (v5 "flow": POST <base>/api/v5/flow/
 * with the `authkey` header and `{ template_id, short_url, recipients: [{ mobiles, <vars> }] }`;
 * answer `{ type: 'success' | 'error', message }`). The provider is optional: without a key
 * nothing is sent. Failures are typed so the caller can say why (and never crash on them).
 */
import { normalizeIndianMobile } from '../../src-shared/domain/indian-mobile.js';

export interface SmsConfig {
  baseUrl: string;
  authKey: string;
  templateId: string;
  /** ms before a request is abandoned */
  timeoutMs?: number;
}

export type SmsFailure = 'BAD_NUMBER' | 'REJECTED' | 'TIMEOUT' | 'UNREACHABLE' | 'BAD_REPLY';

export class SmsError extends Error {
  constructor(readonly reason: SmsFailure, message: string) {
    super(message);
    this.name = 'SmsError';
  }
}

export { normalizeIndianMobile } from '../../src-shared/domain/indian-mobile.js';

export async function sendEReceiptSms(cfg: SmsConfig, mobile: string, vars: { url: string; number: string }): Promise<{ requestId: string }> {
  const to = normalizeIndianMobile(mobile);
  if (!to) throw new SmsError('BAD_NUMBER', 'A mobile number is 10 digits starting with 6, 7, 8 or 9.');
  let res: Response;
  try {
    res = await fetch(`${cfg.baseUrl.replace(/\/+$/, '')}/api/v5/flow/`, {
      method: 'POST',
      headers: { authkey: cfg.authKey, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ template_id: cfg.templateId, short_url: '0', recipients: [{ mobiles: to, url: vars.url, number: vars.number }] }),
      signal: AbortSignal.timeout(cfg.timeoutMs ?? 5000),
    });
  } catch (err) {
    const timeout = (err as Error).name === 'TimeoutError';
    throw new SmsError(timeout ? 'TIMEOUT' : 'UNREACHABLE', timeout ? 'The SMS provider did not answer in time.' : `The SMS provider cannot be reached: ${(err as Error).message}`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new SmsError('BAD_REPLY', `The SMS provider answered HTTP ${res.status} without JSON.`);
  }
  const b = body as { type?: unknown; message?: unknown };
  if (res.ok && b.type === 'success' && typeof b.message === 'string') return { requestId: b.message };
  if (b.type === 'error') throw new SmsError('REJECTED', `The SMS provider refused the message: ${String(b.message)}`);
  throw new SmsError('BAD_REPLY', `The SMS provider answered HTTP ${res.status} with an unexpected body.`);
}
