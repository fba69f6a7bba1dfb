/**
 * A network receipt printer on 127.0.0.1: ESC/POS over raw TCP (as on port 9100), DLE EOT status
 * replies, and a control API (/_sim over HTTP) that makes it run out of paper, open its cover,
 * go offline, go silent, answer garbage or drop the connection in the middle of a job. Every
 * receipt (up to its cut) is rendered and kept as a page, and saved as PNG when outDir is set.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { EscPosParser, type PaperItem } from './escpos-parser.js';
import { paperPng, renderPaper, type PaperImage } from './paper.js';

/**
 * silent: never answers status. garbage: answers 0xFF. close-mid-job: drops the connection after
 * closeAfterBytes of a job (once). mute-after-cut: prints the job, then stops answering (the
 * acknowledgement of a printed job is lost, as when the kiosk dies right after the last byte).
 */
export type SimMode = 'normal' | 'silent' | 'garbage' | 'close-mid-job' | 'mute-after-cut';

export interface SimState {
  paperOut: boolean;
  paperNearEnd: boolean;
  coverOpen: boolean;
  offline: boolean;
  mode: SimMode;
  /** With close-mid-job: bytes of a job accepted before the connection is dropped. */
  closeAfterBytes: number;
}

export interface SimPage {
  index: number;
  /** The job ended without a cut (connection closed): what arrived is kept, marked partial. */
  partial: boolean;
  items: PaperItem[];
  text: string[];
  qr: string[];
  receivedAt: number;
  file: string | null;
  readonly image: PaperImage;
}

export interface PrinterSimOptions {
  port?: number;
  httpPort?: number;
  paperWidth?: 58 | 80;
  outDir?: string;
  log?: (line: string) => void;
}

export interface PrinterSim {
  readonly tcpPort: number;
  readonly httpPort: number;
  readonly state: Readonly<SimState>;
  set(patch: Partial<SimState>): void;
  pages(): SimPage[];
  /** Resolves once at least n pages exist. */
  waitForPages(n: number, timeoutMs?: number): Promise<SimPage[]>;
  /** Status queries answered so far (any mode but silent). */
  statusQueries(): number;
  /** Bytes of print data that arrived while the printer could not print (paper out, cover open). */
  discardedItems(): number;
  close(): Promise<void>;
}

const INITIAL: SimState = { paperOut: false, paperNearEnd: false, coverOpen: false, offline: false, mode: 'normal', closeAfterBytes: 64 };

/** DLE EOT replies after the ESC/POS reference (fixed bits 1 and 4 always set). */
function statusByte(n: number, s: SimState): number {
  const stopped = s.paperOut || s.coverOpen;
  if (n === 1) return 0x12 | (s.offline || stopped ? 0x08 : 0);
  if (n === 2) return 0x12 | (s.coverOpen ? 0x04 : 0) | (s.paperOut ? 0x20 : 0);
  if (n === 4) return 0x12 | (s.paperNearEnd || s.paperOut ? 0x0c : 0) | (s.paperOut ? 0x60 : 0);
  return 0x12;
}

const MODES: SimMode[] = ['normal', 'silent', 'garbage', 'close-mid-job', 'mute-after-cut'];

/** Why a /_sim/state body is refused, or null. */
function patchProblem(patch: unknown): string | null {
  if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) return 'body must be a JSON object';
  for (const [k, v] of Object.entries(patch)) {
    if (['paperOut', 'paperNearEnd', 'coverOpen', 'offline'].includes(k)) {
      if (typeof v !== 'boolean') return `${k} must be true or false`;
    } else if (k === 'mode') {
      if (!MODES.includes(v as SimMode)) return `mode must be one of ${MODES.join(', ')}`;
    } else if (k === 'closeAfterBytes') {
      if (!Number.isInteger(v) || (v as number) < 0) return 'closeAfterBytes must be a whole number';
    } else return `unknown field ${k}`;
  }
  return null;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  return body ? JSON.parse(body) : {};
}

export async function startPrinterSim(options: PrinterSimOptions = {}): Promise<PrinterSim> {
  const dots = (options.paperWidth ?? 80) === 58 ? 384 : 576;
  const log = options.log ?? (() => {});
  const state: SimState = { ...INITIAL };
  const pages: SimPage[] = [];
  const waiters = new Set<() => void>();
  const sockets = new Set<Socket>();
  let answered = 0;
  let discarded = 0;
  if (options.outDir) mkdirSync(options.outDir, { recursive: true });

  const savePage = (items: PaperItem[], partial: boolean) => {
    // Line feeds after a cut (or a connection that only asked for status) leave no paper.
    if (!items.some((i) => i.kind !== 'text' || i.text.trim() !== '')) return;
    const index = pages.length + 1;
    let image: PaperImage | null = null;
    const page: SimPage = {
      index, partial, items, file: null, receivedAt: Date.now(),
      text: items.flatMap((i) => (i.kind === 'text' ? [i.text] : [])),
      qr: items.flatMap((i) => (i.kind === 'qr' ? [i.data] : [])),
      // Drawn when first asked for: rendering must not delay the status replies of the next query.
      get image() {
        image ??= renderPaper(items, dots);
        return image;
      },
    };
    pages.push(page);
    if (options.outDir) {
      const file = join(options.outDir, `page-${String(index).padStart(4, '0')}${partial ? '-partial' : ''}.png`);
      page.file = file;
      setImmediate(() => writeFileSync(file, paperPng(page.image)));
    }
    log(`printed page ${index}${partial ? ' (partial)' : ''}${page.file ? ` -> ${page.file}` : ''}`);
    waiters.forEach((w) => w());
  };

  const tcp: Server = createServer((socket) => {
    sockets.add(socket);
    const parser = new EscPosParser();
    let current: PaperItem[] = [];
    let jobBytes = 0;
    socket.on('data', (chunk) => {
      if (state.mode === 'close-mid-job') {
        jobBytes += chunk.length;
        // Status queries alone are 9 bytes: only a real job trips the drop.
        if (jobBytes > state.closeAfterBytes + 9) {
          const keep = chunk.subarray(0, Math.max(0, chunk.length - (jobBytes - state.closeAfterBytes)));
          for (const e of parser.push(keep)) if (e.kind === 'paper' && e.item.kind !== 'cut') current.push(e.item);
          state.mode = 'normal'; // one drop, then the printer behaves again
          log('closing the connection in the middle of a job');
          socket.destroy();
          return;
        }
      }
      for (const e of parser.push(chunk)) {
        if (e.kind === 'status') {
          if (state.mode === 'silent') continue;
          answered++;
          socket.write(Buffer.of(state.mode === 'garbage' ? 0xff : statusByte(e.n, state)));
        } else if (e.kind === 'paper') {
          if (state.paperOut || state.coverOpen) {
            discarded++;
            continue;
          }
          if (e.item.kind === 'cut') {
            savePage([...current, e.item], false);
            current = [];
            if (state.mode === 'mute-after-cut') state.mode = 'silent';
          } else current.push(e.item);
        }
      }
    });
    socket.on('close', () => {
      sockets.delete(socket);
      for (const e of parser.flush()) if (e.kind === 'paper') current.push(e.item);
      savePage(current, true);
    });
    socket.on('error', () => {});
  });

  const http: HttpServer = createHttpServer((req, res) => {
    const send = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'content-type': type });
      res.end(type === 'application/json' ? JSON.stringify(body) : (body as Buffer));
    };
    const url = new URL(req.url ?? '/', 'http://sim');
    const png = /^\/_sim\/pages\/(\d+)\.png$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/_sim/state') return send(200, { ...state, pages: pages.length, statusQueries: answered });
    if (req.method === 'POST' && url.pathname === '/_sim/state') {
      readJson(req).then((patch) => {
        const problem = patchProblem(patch);
        if (problem) return send(400, { error: problem });
        api.set(patch as Partial<SimState>);
        send(200, { ...state });
      }, () => send(400, { error: 'body must be JSON' }));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/_sim/pages') {
      return send(200, pages.map((p) => ({ index: p.index, partial: p.partial, text: p.text, qr: p.qr, file: p.file, receivedAt: p.receivedAt })));
    }
    if (req.method === 'GET' && png) {
      const page = pages[Number(png[1]) - 1];
      return page ? send(200, paperPng(page.image), 'image/png') : send(404, { error: 'no such page' });
    }
    send(404, { error: 'unknown /_sim route' });
  });

  await new Promise<void>((resolve) => tcp.listen(options.port ?? 0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => http.listen(options.httpPort ?? 0, '127.0.0.1', resolve));

  const api: PrinterSim = {
    tcpPort: (tcp.address() as AddressInfo).port,
    httpPort: (http.address() as AddressInfo).port,
    state,
    set(patch) {
      const allowed: (keyof SimState)[] = ['paperOut', 'paperNearEnd', 'coverOpen', 'offline', 'mode', 'closeAfterBytes'];
      for (const k of allowed) if (patch[k] !== undefined) (state as unknown as Record<string, unknown>)[k] = patch[k];
      log(`state ${JSON.stringify(state)}`);
    },
    pages: () => [...pages],
    waitForPages(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pages.length >= n) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve([...pages]);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`printer-sim: ${pages.length} page(s) after ${timeoutMs} ms, waited for ${n}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    statusQueries: () => answered,
    discardedItems: () => discarded,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => tcp.close(() => r()));
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
  return api;
}
