/**
 * HTTP digest authentication (RFC 7616; MD5 / MD5-sess / SHA-256, qop "auth" or none, the
 * RFC 2069 form) on node:http, for devices such as Hikvision cameras and barrier controllers
 * that accept nothing else.
 *
 * Written here rather than taken from a library because the npm digest clients wrap the
 * global fetch (digest-fetch; the kiosk keeps off Node 20's fetch, which can hang on a peer that
 * closes at once) or bring a second HTTP stack (urllib on undici) for some forty lines of
 * hashing; the hashing is tested against the RFC 2617 and RFC 7616 examples.
 */
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop: string | null;
  opaque: string | null;
  algorithm: string;
  stale: boolean;
}

/** Parses `WWW-Authenticate: Digest realm="...", nonce="...", ...`; null when it is not a digest challenge. */
export function parseDigestChallenge(header: string | string[] | undefined): DigestChallenge | null {
  const all = Array.isArray(header) ? header : header ? [header] : [];
  const digest = all.find((h) => /^\s*digest\s/i.test(h));
  if (!digest) return null;
  const params = new Map<string, string>();
  const re = /([a-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/gi;
  for (const m of digest.replace(/^\s*digest\s+/i, '').matchAll(re)) {
    params.set(m[1]!.toLowerCase(), (m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1'));
  }
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (realm === undefined || !nonce) return null;
  const qops = (params.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
  return {
    realm,
    nonce,
    qop: qops.includes('auth') ? 'auth' : null,
    opaque: params.get('opaque') ?? null,
    algorithm: params.get('algorithm') ?? 'MD5',
    stale: (params.get('stale') ?? '').toLowerCase() === 'true',
  };
}

function hasher(algorithm: string): (s: string) => string {
  const base = algorithm.toUpperCase().replace(/-SESS$/, '');
  const name = base === 'SHA-256' ? 'sha256' : base === 'MD5' ? 'md5' : null;
  if (!name) throw new Error(`unsupported digest algorithm ${algorithm}`);
  return (s) => createHash(name).update(s, 'utf8').digest('hex');
}

export interface DigestInput {
  username: string;
  password: string;
  method: string;
  uri: string;
  challenge: DigestChallenge;
  nc: number;
  cnonce: string;
}

/** The `response` value of RFC 7616 section 3.4.1. */
export function digestResponse(i: DigestInput): string {
  const H = hasher(i.challenge.algorithm);
  let ha1 = H(`${i.username}:${i.challenge.realm}:${i.password}`);
  if (/-sess$/i.test(i.challenge.algorithm)) ha1 = H(`${ha1}:${i.challenge.nonce}:${i.cnonce}`);
  const ha2 = H(`${i.method}:${i.uri}`);
  if (!i.challenge.qop) return H(`${ha1}:${i.challenge.nonce}:${ha2}`);
  return H(`${ha1}:${i.challenge.nonce}:${ncHex(i.nc)}:${i.cnonce}:${i.challenge.qop}:${ha2}`);
}

function ncHex(nc: number): string {
  return nc.toString(16).padStart(8, '0');
}

const quote = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`;

export function authorizationHeader(i: DigestInput): string {
  const c = i.challenge;
  const parts = [
    `username=${quote(i.username)}`,
    `realm=${quote(c.realm)}`,
    `nonce=${quote(c.nonce)}`,
    `uri=${quote(i.uri)}`,
    `algorithm=${c.algorithm}`,
    `response=${quote(digestResponse(i))}`,
  ];
  if (c.qop) parts.push(`qop=${c.qop}`, `nc=${ncHex(i.nc)}`, `cnonce=${quote(i.cnonce)}`);
  if (c.opaque !== null) parts.push(`opaque=${quote(c.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class HttpTimeoutError extends Error {}

/** One plain HTTP request with a whole-exchange timeout (connect + reply). */
export function plainRequest(opts: {
  host: string;
  port: number;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}): Promise<HttpReply> {
  return new Promise((resolveOnce, rejectOnce) => {
    // Settles exactly once, whatever comes first: the reply, an error, a cut-off reply or the timeout.
    let settled = false;
    const resolve = (r: HttpReply) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolveOnce(r);
    };
    const reject = (e: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      rejectOnce(e);
    };
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body, 'utf8');
    const req = httpRequest(
      {
        host: opts.host,
        port: opts.port,
        method: opts.method,
        path: opts.path,
        headers: { ...opts.headers, ...(body ? { 'Content-Length': String(body.length) } : {}) },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          // A device reply is a few hundred bytes; a flood is not a reply.
          if (size > 1_000_000) req.destroy(new Error('reply too large'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
        // The connection reset in the middle of the reply: no 'end' comes.
        res.on('close', () => {
          if (!res.complete) reject(Object.assign(new Error('the reply was cut off'), { code: 'ECONNRESET' }));
        });
      },
    );
    const timer = setTimeout(() => {
      const e = new HttpTimeoutError(`no reply within ${opts.timeoutMs} ms`);
      reject(e);
      req.destroy(e);
    }, opts.timeoutMs);
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * A digest-authenticating client for one device. Keeps the last challenge, so after the first
 * exchange each request is one round trip; a 401 (new or stale nonce) is answered once.
 */
export class DigestClient {
  private challenge: DigestChallenge | null = null;
  private nc = 0;

  constructor(
    private readonly target: { host: string; port: number; username: string; password: string },
  ) {}

  async request(method: string, path: string, opts: { body?: string; headers?: Record<string, string>; timeoutMs: number }): Promise<HttpReply> {
    const send = (auth: string | null) =>
      plainRequest({
        host: this.target.host,
        port: this.target.port,
        method,
        path,
        body: opts.body,
        timeoutMs: opts.timeoutMs,
        headers: { ...opts.headers, ...(auth ? { Authorization: auth } : {}) },
      });
    let reply = await send(this.authFor(method, path));
    if (reply.status !== 401) return reply;
    const challenge = parseDigestChallenge(reply.headers['www-authenticate']);
    if (!challenge) return reply;
    this.challenge = challenge;
    this.nc = 0;
    reply = await send(this.authFor(method, path));
    return reply;
  }

  private authFor(method: string, uri: string): string | null {
    if (!this.challenge) return null;
    this.nc += 1;
    return authorizationHeader({
      username: this.target.username,
      password: this.target.password,
      method,
      uri,
      challenge: this.challenge,
      nc: this.nc,
      cnonce: randomBytes(8).toString('hex'),
    });
  }
}
