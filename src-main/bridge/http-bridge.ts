/**
 * Loopback HTTP transport for the kiosk API (API.md "Transport"): browser kiosk mode and e2e
 * tests use it. Binds 127.0.0.1 only, checks Host and Origin, caps bodies at 64 KiB.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HTTP_STATUS, type ApiResponse, type ErrorBody } from '../../src-shared/contracts/errors.js';
import type { Kiosk } from '../kiosk.js';
import { serveStatic, securityHeaders } from './static-files.js';
import { serveDisplay } from '../lane/display-route.js';

export const MAX_BODY_BYTES = 64 * 1024;
const API_PREFIX = '/api/v1/';
/** Event streams one log-in may hold at once (a screen, plus a reload whose old stream is closing). */
export const MAX_STREAMS_PER_TOKEN = 3;
/** Event streams the kiosk serves at once, over all log-ins. */
export const MAX_STREAMS_TOTAL = 32;
/** How often open streams re-check their log-in (a logout or a disable made through IPC, an expiry). */
export const STREAM_RECHECK_MS = 2000;
/** Calls after which open streams re-check at once: they can end a log-in. */
const ENDS_LOGINS = new Set(['auth.logout', 'auth.login', 'operators.update', 'operators.unlock']);

export interface HttpBridgeOptions {
  port: number;
  host?: '127.0.0.1';
  staticDir: string | null;
  maxStreamsPerToken?: number;
  maxStreamsTotal?: number;
}

interface EventStream {
  res: ServerResponse;
  token: string;
  /** Sends run one after another, each after the log-in is checked, so order holds. */
  queue: Promise<void>;
  ended: boolean;
}

export interface HttpBridge {
  url: string;
  port: number;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: ApiResponse<unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: ErrorBody): void {
  sendJson(res, status, { ok: false, error });
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolvePromise(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,200})$/.exec(header);
  return match ? match[1]! : null;
}

export async function startHttpBridge(kiosk: Kiosk, options: HttpBridgeOptions): Promise<HttpBridge> {
  const host = '127.0.0.1';
  let allowedHosts = new Set<string>();
  const streams = new Set<EventStream>();
  const perToken = options.maxStreamsPerToken ?? MAX_STREAMS_PER_TOKEN;
  const total = options.maxStreamsTotal ?? MAX_STREAMS_TOTAL;

  const endStream = (s: EventStream, reason: string) => {
    if (s.ended) return;
    s.ended = true;
    streams.delete(s);
    // A named event: EventSource's onmessage ignores it; its reconnect then gets 401 and stops.
    s.res.end(`event: end\ndata: ${JSON.stringify({ reason })}\n\n`);
  };
  /** Writes only while the stream's log-in still holds: nothing is sent after logout, disable or lock. */
  const sendChecked = (s: EventStream, text: string | null) => {
    s.queue = s.queue.then(async () => {
      if (s.ended) return;
      const me = await kiosk.call('auth.me', {}, s.token);
      if (!me.ok) return endStream(s, me.error.code);
      if (text !== null && !s.ended) s.res.write(text);
    }).catch(() => endStream(s, 'INTERNAL'));
  };
  const recheckAll = () => {
    for (const s of streams) sendChecked(s, null);
  };
  const recheckTimer = setInterval(() => {
    if (streams.size > 0) recheckAll();
  }, STREAM_RECHECK_MS);
  recheckTimer.unref();

  const allowedOrigin = (origin: string) => allowedHosts.has(origin.replace(/^http:\/\//, ''));

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      sendError(res, 405, { code: 'NOT_FOUND', message: 'Use POST for API calls.' });
      return;
    }
    let text: string;
    try {
      text = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        res.setHeader('Connection', 'close');
        sendError(res, 400, { code: 'VALIDATION_FAILED', message: 'The request is too large (over 64 KiB).' });
        return;
      }
      throw err;
    }
    let input: unknown = {};
    if (text.trim() !== '') {
      try {
        input = JSON.parse(text);
      } catch {
        sendError(res, 400, { code: 'VALIDATION_FAILED', message: 'The request body is not valid JSON.' });
        return;
      }
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        sendError(res, 400, { code: 'VALIDATION_FAILED', message: 'The request body must be a JSON object.' });
        return;
      }
    }
    const result = await kiosk.call(method, input, bearerToken(req));
    sendJson(res, result.ok ? 200 : HTTP_STATUS[result.error.code], result);
    if (ENDS_LOGINS.has(method) && streams.size > 0) recheckAll();
  }

  async function handleEvents(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const token = new URL(req.url ?? '/', 'http://x').searchParams.get('token');
    const me = await kiosk.call('auth.me', {}, token);
    if (!me.ok) {
      sendError(res, HTTP_STATUS[me.error.code], me.error);
      return;
    }
    const mine = [...streams].filter((s) => s.token === token).length;
    if (mine >= perToken || streams.size >= total) {
      sendError(res, 429, {
        code: 'RATE_LIMITED',
        message: mine >= perToken
          ? `This log-in already has ${perToken} event streams open. Close one first.`
          : `The kiosk already serves ${total} event streams. Try again later.`,
        details: { perToken, total },
      });
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    const stream: EventStream = { res, token: token!, queue: Promise.resolve(), ended: false };
    streams.add(stream);
    const unsubscribe = kiosk.onEvent((e) => sendChecked(stream, `data: ${JSON.stringify(e)}\n\n`));
    const heartbeat = setInterval(() => sendChecked(stream, ': ping\n\n'), 15_000);
    const cleanup = () => {
      clearInterval(heartbeat);
      unsubscribe();
      stream.ended = true;
      streams.delete(stream);
    };
    req.on('close', cleanup);
    res.on('close', cleanup);
  }

  const server = createServer((req, res) => {
    securityHeaders(res);
    // Loopback only, and only our own names: blocks DNS rebinding and cross-site requests.
    if (!allowedHosts.has(req.headers.host ?? '')) {
      sendError(res, 403, { code: 'FORBIDDEN', message: 'Wrong host.' });
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigin(origin)) {
      sendError(res, 403, { code: 'FORBIDDEN', message: 'Requests from other sites are not allowed.' });
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    const work = path === '/api/v1/events'
      ? handleEvents(req, res)
      : path === '/display'
        ? Promise.resolve(serveDisplay(kiosk, req, res))
      : path.startsWith(API_PREFIX)
        ? handleApi(req, res, path.slice(API_PREFIX.length))
        : Promise.resolve(serveStatic(options.staticDir, req, res));
    work.catch(() => {
      if (!res.headersSent) sendError(res, 500, { code: 'INTERNAL', message: 'Something went wrong. Try again.' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolvePromise());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolvePromise) => {
        clearInterval(recheckTimer);
        for (const s of [...streams]) endStream(s, 'SHUTDOWN');
        server.close(() => resolvePromise());
        server.closeAllConnections();
      }),
  };
}
