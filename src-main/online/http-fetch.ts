/**
 * `fetch` for the sync transport, over node:http(s). Node 20's built-in fetch (undici 6.24)
 * never settles the FIRST request of a process when the peer accepts the connection and closes
 * it at once (a server restarting behind a proxy, a load balancer with no backend): the request
 * only ends at its own timeout, so a kiosk restarted while the server is down would sit out its
 * 30 s push timeout before its first retry; node:http reports "socket hang up" at once (tests/sync/http-fetch.test.ts). Same contract as fetch for what the transport uses:
 * string or URL input, method/headers/string body/signal; a network failure rejects with
 * TypeError('fetch failed', { cause }), an aborted signal rejects with the signal's reason
 * (TimeoutError for AbortSignal.timeout), the result is a standard Response.
 */
import http from 'node:http';
import https from 'node:https';

const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
const NO_BODY = new Set([101, 204, 205, 304]);

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

export function httpFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  if (typeof input !== 'string' && !(input instanceof URL)) return Promise.reject(new TypeError('httpFetch takes a URL, not a Request'));
  const url = new URL(input);
  const body = init.body;
  if (body != null && typeof body !== 'string') return Promise.reject(new TypeError('httpFetch sends string bodies only'));
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  if (body != null) headers['content-length'] = String(Buffer.byteLength(body));
  const secure = url.protocol === 'https:';

  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      reject(err);
    };
    const onAbort = () => {
      fail(abortReason(signal!));
      req.destroy();
    };
    const req = (secure ? https : http).request(url, { method: init.method ?? 'GET', headers, agent: secure ? agents.https : agents.http }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => fail(new TypeError('fetch failed', { cause: err })));
      res.on('aborted', () => fail(new TypeError('fetch failed', { cause: new Error('response aborted') })));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        const h = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (Array.isArray(value)) for (const v of value) h.append(name, v);
          else if (value !== undefined) h.set(name, value);
        }
        const status = res.statusCode ?? 0;
        resolve(new Response(NO_BODY.has(status) ? null : Buffer.concat(chunks), { status, statusText: res.statusMessage ?? '', headers: h }));
      });
    });
    req.on('error', (err) => fail(new TypeError('fetch failed', { cause: err })));
    signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body ?? undefined);
  });
}
