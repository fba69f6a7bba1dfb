/** The kiosk core's JSON API over HTTP (POST /api/v1/<method>) for a kiosk process at `url`. */
export interface ApiFailure {
  code: string;
  message: string;
}

export interface ApiReply<T> {
  status: number;
  ok: boolean;
  data: T;
  error: ApiFailure | null;
}

export interface KioskClient {
  /** POST /api/v1/<method>; resolves with the HTTP status and the parsed body. */
  api<T = any>(method: string, input?: unknown, token?: string | null): Promise<ApiReply<T>>;
  /** Like api() but throws unless ok. */
  call<T = any>(method: string, input?: unknown, token?: string | null): Promise<T>;
  login(username: string, pin?: string): Promise<string>;
}

/** `timeoutMs`: each request's limit (none when omitted). */
export function kioskClient(url: string, timeoutMs?: number): KioskClient {
  const api: KioskClient['api'] = async (method, input = {}, token) => {
    const res = await fetch(`${url}/api/v1/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(input),
      ...(timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {}),
    });
    const body = (await res.json()) as { ok: boolean; data?: unknown; error?: ApiFailure };
    return { status: res.status, ok: body.ok, data: body.data as never, error: body.error ?? null };
  };
  const call: KioskClient['call'] = async (method, input, token) => {
    const r = await api(method, input, token);
    if (!r.ok) throw new Error(`${method} failed: ${r.status} ${r.error?.code} ${r.error?.message}`);
    return r.data as never;
  };
  return {
    api,
    call,
    async login(username, pin = '2468') {
      return (await call<{ token: string }>('auth.login', { username, pin })).token;
    },
  };
}

export type ApiResultOrDown = { ok: true; data: any } | { ok: false; error: { code: string; message: string } } | { down: true };

/** One kiosk API call that never throws: `{ down: true }` when the kiosk was killed, is restarting, or was cut off mid-answer. */
export async function apiOrDown(url: string, method: string, input: unknown, token?: string, timeoutMs = 15_000): Promise<ApiResultOrDown> {
  try {
    const res = await fetch(`${url}/api/v1/${method}`, {
      method: 'POST', body: JSON.stringify(input), signal: AbortSignal.timeout(timeoutMs),
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    });
    return (await res.json()) as ApiResultOrDown;
  } catch {
    return { down: true };
  }
}
