/**
 * The `app://parkgate/` protocol: serves the built renderer (dist-renderer/, inside app.asar when
 * packaged) with a real origin, the CSP header and correct MIME types. Never file://, so the
 * renderer is not granted file-system-wide privileges, and never http://, so nothing listens.
 *
 * Only GET/HEAD, only host `parkgate`, only files under the renderer root (no `..` escapes,
 * no absolute paths, no NUL). Paths without an extension fall back to index.html (client routes).
 */
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './constants.js';
import { ELECTRON_CSP, SECURITY_HEADERS } from './csp.js';

/** Privileges for `protocol.registerSchemesAsPrivileged` (must run before app 'ready'). */
export const APP_SCHEME_PRIVILEGES = Object.freeze({
  standard: true, // real origin (app://parkgate), relative URLs, localStorage/sessionStorage
  secure: true, // secure context: getUserMedia (camera) works
  supportFetchAPI: true, // fetch() of the QR decoder's .wasm
  stream: true, // media streaming (sounds)
  codeCache: true,
  corsEnabled: false,
  bypassCSP: false, // the CSP applies to our own pages too
  allowServiceWorkers: false,
});

export const MIME_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.txt': 'text/plain; charset=utf-8',
});

export function mimeTypeFor(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps an app:// URL to a file under `rootDir`, or null when the URL is not ours or tries to
 * leave the root. Extension-less paths map to index.html (single-page app routes).
 */
export function resolveAppPath(rawUrl: string, rootDir: string): string | null {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  if (!path.posix.extname(rel)) rel = '/index.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, '.' + path.posix.normalize(rel));
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return file;
}

export interface AppProtocolDeps {
  rootDir: string;
  readFile: (file: string) => Promise<Uint8Array>;
  csp?: string;
  log?: (message: string, url: string) => void;
}

function headersFor(contentType: string, csp: string): Record<string, string> {
  return {
    ...SECURITY_HEADERS,
    'Content-Security-Policy': csp,
    'Content-Type': contentType,
    'Cache-Control': 'no-cache',
  };
}

/** The handler for `protocol.handle(APP_SCHEME, handler)`. Uses the global Response/Request. */
export function createAppProtocolHandler(deps: AppProtocolDeps): (request: Request) => Promise<Response> {
  const csp = deps.csp ?? ELECTRON_CSP;
  const text = (status: number, body: string) =>
    new Response(body, { status, headers: headersFor('text/plain; charset=utf-8', csp) });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method not allowed');
    const file = resolveAppPath(request.url, deps.rootDir);
    if (!file) {
      deps.log?.('app protocol: refused', request.url);
      return text(404, 'Not found');
    }
    let body: Uint8Array;
    try {
      body = await deps.readFile(file);
    } catch {
      return text(404, 'Not found');
    }
    return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), {
      status: 200,
      headers: headersFor(mimeTypeFor(file), csp),
    });
  };
}
