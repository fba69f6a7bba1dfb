/**
 * The sync transport's fetch over node:http (src-main/online/http-fetch.ts). Found by the process
 * campaign: a kiosk restarted while the server was down sent its first push into a connection the
 * fault proxy closed at once (no server behind it), and Node 20's built-in fetch never settled
 * that first request of the process: the kiosk sat out the 30 s push timeout before retrying.
 */
import { spawn } from 'node:child_process';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { httpFetch } from '../../src-main/online/http-fetch.js';

const servers: (Server | HttpServer)[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

async function listen<S extends Server | HttpServer>(s: S): Promise<number> {
  servers.push(s);
  s.on('connection', (sock: Socket) => sockets.add(sock));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return (s.address() as { port: number }).port;
}

/** Accepts every connection and closes it at once (a proxy with nothing behind it). */
const closingServer = () => createServer((sock) => {
  sock.on('error', () => undefined);
  sock.destroy();
});

describe('httpFetch (sync transport)', () => {
  it('the first request of a fresh process on a connection closed at once fails as a network error, not at its timeout', async () => {
    const port = await listen(closingServer());
    const module = fileURLToPath(new URL('../../src-main/online/http-fetch.ts', import.meta.url));
    const script = `const { httpFetch } = await import(${JSON.stringify(module)});
      try { await httpFetch('http://127.0.0.1:${port}/sync/v1/push', { method: 'POST', body: '{"events":[]}', signal: AbortSignal.timeout(20000) }); console.log('answered'); }
      catch (e) { console.log(e.name + ':' + e.message + ':' + String(e.cause && e.cause.message)); }`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((r) => child.once('exit', r));
    expect(out.trim()).toMatch(/^TypeError:fetch failed:(socket hang up|read ECONNRESET)$/);
  });

  it('sends method, headers and body; returns status, headers and the JSON body', async () => {
    let seen: { method?: string; type?: string; body: string } = { body: '' };
    const port = await listen(createHttpServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen = { method: req.method, type: req.headers['content-type'], body };
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'clock' } }));
      });
    }));
    const payload = JSON.stringify({ text: 'ä'.repeat(3000) }); // multi-byte: content-length in bytes
    const res = await httpFetch(`http://127.0.0.1:${port}/sync/v1/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: payload });
    expect(seen).toEqual({ method: 'POST', type: 'application/json', body: payload });
    expect(res.status).toBe(401);
    expect(res.headers.get('date')).toMatch(/GMT$/);
    expect(await res.json()).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'clock' } });
  });

  it('a refused connection is a TypeError; a timeout rejects with TimeoutError; an abort with AbortError', async () => {
    const port = await listen(createServer(() => undefined)); // accepts, never answers
    const gone = createServer();
    const refused = await new Promise<number>((r) => gone.listen(0, '127.0.0.1', () => r((gone.address() as { port: number }).port)));
    await new Promise<void>((r) => gone.close(() => r()));
    await expect(httpFetch(`http://127.0.0.1:${refused}/x`)).rejects.toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    await expect(httpFetch(`http://127.0.0.1:${port}/x`, { signal: AbortSignal.timeout(100) })).rejects.toMatchObject({ name: 'TimeoutError' });
    const ac = new AbortController();
    const pending = httpFetch(`http://127.0.0.1:${port}/x`, { signal: ac.signal });
    ac.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(httpFetch(`http://127.0.0.1:${port}/x`, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});
