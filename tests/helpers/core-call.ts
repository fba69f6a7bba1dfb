/** Calls on an in-process kiosk core (`createKiosk`) that must succeed: their data, or a thrown error naming the method. */
import type { Kiosk } from '../../src-main/kiosk.js';

export async function mustCall<T = any>(kiosk: Kiosk, method: string, input: unknown, token: string | null): Promise<T> {
  const r = await kiosk.call(method, input, token);
  if (!r.ok) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
  return r.data as T;
}

/** A session token for `username` (the demo operators' PIN by default). */
export async function loginCore(kiosk: Kiosk, username: string, pin = '2468'): Promise<string> {
  return (await mustCall<{ token: string }>(kiosk, 'auth.login', { username, pin }, null)).token;
}
