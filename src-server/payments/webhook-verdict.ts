/** Result of verifying + parsing one webhook: a normalised event, or why it was refused. */
import type { z } from 'zod';
import type { GatewayEvent } from './gateway.js';

export type WebhookRejection = 'bad_signature' | 'missing_event_id' | 'malformed' | 'not_configured';

export type WebhookVerdict = { ok: true; event: GatewayEvent } | { ok: false; reason: WebhookRejection };

export type HeaderMap = Record<string, string | string[] | undefined>;

export function headerValue(h: HeaderMap, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** A webhook's event id header: null when absent or longer than 100 characters. */
export function webhookEventId(h: HeaderMap, name: string): string | null {
  const id = headerValue(h, name);
  return id && id.length <= 100 ? id : null;
}

/** `schema`'s reading of a JSON text; null when the text is not JSON or does not fit the schema. */
export function readJson<S extends z.ZodTypeAny>(text: string, schema: S): z.output<S> | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? (parsed.data as z.output<S>) : null;
}
