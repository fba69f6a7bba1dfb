/**
 * A season pass scanned at a gate (its QR read by the camera or the wedge, or its code typed):
 * entry opens a pass visit, exit completes it (free while the pass covered it) or returns the
 * quote of the tariff-billed part. A refusal carries the core's reason as a message key
 * (`core.pass.<reason>`, passes.en.ts) so the gate says why in the operator's language.
 */
import type { Quote, Session } from '../../src-shared/contracts/entities.js';
import { isPassCodeText } from '../../src-shared/contracts/passes.js';
import { ApiError, call, isApiError } from '../api/client.js';
import { en } from '../i18n/en.js';

export { isPassCodeText };

function withReason(e: unknown): unknown {
  if (!isApiError(e) || e.key) return e;
  const d = e.details as { reason?: unknown } | null | undefined;
  const reason = typeof d?.reason === 'string' ? d.reason : null;
  if (reason && `core.pass.${reason}` in en) {
    e.key = `pass.${reason}`;
    e.params = {};
  }
  return e;
}

export async function passEntry(code: string): Promise<Session> {
  try {
    return (await call('passes.enter', { code })).session;
  } catch (e) {
    throw withReason(e);
  }
}

/** The exit's quote: nothing due when the pass covered the stay (the visit is then already completed). */
export async function passExitQuote(code: string): Promise<Quote> {
  try {
    const r = await call('passes.exit', { code });
    if (r.quote) return r.quote;
    // A SOFT pass let out with no visit open (recorded and flagged by the core): nothing to bill.
    throw new ApiError('CONFLICT', 'This pass has no car inside.', { reason: 'NOT_IN' });
  } catch (e) {
    throw withReason(e);
  }
}
