/** Result of verifying + parsing one webhook: a normalised event, or why it was refused. */
import type { GatewayEvent } from './gateway.js';

export type WebhookRejection = 'bad_signature' | 'missing_event_id' | 'malformed' | 'not_configured';

export type WebhookVerdict = { ok: true; event: GatewayEvent } | { ok: false; reason: WebhookRejection };

export type HeaderMap = Record<string, string | string[] | undefined>;

export function headerValue(h: HeaderMap, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}
