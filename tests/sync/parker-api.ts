/** The parker API (/parker/v1/...) of the in-process server of tests/server/helpers/harness.ts, as a parker's app calls it. */
import type { Harness } from '../server/helpers/harness.js';

export interface Envelope<T> { ok: boolean; data: T; error?: { code: string; message: string } }

/** One request with the parker's token (`auth`, none when null); the HTTP status and the parsed body. */
export async function parkerRequest<T>(h: Harness, method: string, path: string, body: unknown, auth: string | null): Promise<{ status: number; body: Envelope<T> }> {
  const res = await fetch(`${h.serverUrl}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Envelope<T> };
}
