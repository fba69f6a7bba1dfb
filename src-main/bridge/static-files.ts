/** Serves the built renderer (dist-renderer/) with a strict CSP; unknown paths fall back to index.html. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { buildCsp, SECURITY_HEADERS } from '../electron/csp.js';

/** The same policy as the Electron window (one policy for both shells; see electron/csp.ts for the why of each source). */
export const CONTENT_SECURITY_POLICY = buildCsp();

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.txt': 'text/plain; charset=utf-8',
};

export function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Permissions-Policy', SECURITY_HEADERS['Permissions-Policy']!);
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ParkGate</title></head>
<body><main><h1>ParkGate</h1><p>The kiosk screens are not built yet. Run <code>npm run build:ui</code> and reload.</p></main></body></html>`;

export function serveStatic(staticDir: string | null, req: IncomingMessage, res: ServerResponse): void {
  securityHeaders(res);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const root = staticDir ? resolve(staticDir) : null;
  if (!root || !existsSync(join(root, 'index.html'))) {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(NOT_BUILT);
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  let file = resolve(root, '.' + normalize(pathname));
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(404).end();
    return;
  }
  const isFile = existsSync(file) && statSync(file).isFile();
  if (!isFile) {
    if (extname(pathname)) {
      res.writeHead(404).end();
      return;
    }
    file = join(root, 'index.html');
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const immutable = file.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    'Content-Type': type,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
