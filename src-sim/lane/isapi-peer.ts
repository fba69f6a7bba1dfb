/**
 * A Hikvision-style ISAPI barrier controller: `PUT /ISAPI/Parking/channels/<n>/barrierGate`
 * with `<BarrierGate><ctrlMode>open|close</ctrlMode></BarrierGate>` and `GET
 * /ISAPI/System/deviceInfo`, behind HTTP digest auth (RFC 7616, MD5, qop=auth), answering with
 * ISAPI `<ResponseStatus>` documents. The digest check is written here on its own (not shared
 * with the kiosk's client), so a mistake in one is caught by the other.
 * Faults: `slow` (never answers), `error` (HTTP 500, statusCode 3 Device Error), `down`
 * (connections are reset).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LaneModel } from './lane-model.js';

export type IsapiFault = 'none' | 'slow' | 'error' | 'down';

export interface IsapiRequestLog {
  t: number;
  method: string;
  path: string;
  auth: 'none' | 'ok' | 'bad';
  body: string;
  status: number;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

function responseStatus(url: string, code: number, text: string, sub: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ResponseStatus version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><requestURL>${url}</requestURL><statusCode>${code}</statusCode><statusString>${text}</statusString><subStatusCode>${sub}</subStatusCode></ResponseStatus>`;
}

export class IsapiPeer {
  fault: IsapiFault = 'none';
  readonly realm = 'ParkGate lane-sim';
  private readonly opaque = randomBytes(8).toString('hex');
  /** Nonces handed out (a new one with every challenge) and the nonce counts seen with each. */
  private readonly nonces = new Map<string, Set<number>>();
  readonly requests: IsapiRequestLog[] = [];
  channels = 1;

  constructor(
    private readonly lane: LaneModel,
    readonly username: string,
    readonly password: string,
  ) {}

  handles(path: string): boolean {
    return path.startsWith('/ISAPI/');
  }

  /** Checks the Authorization header against the RFC 7616 formula (MD5, qop=auth). */
  private authorised(req: IncomingMessage): 'none' | 'ok' | 'bad' {
    const h = req.headers.authorization;
    if (!h) return 'none';
    if (!/^Digest\s/i.test(h)) return 'bad';
    const p: Record<string, string> = {};
    for (const m of h.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g)) p[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
    const seen = this.nonces.get(p.nonce ?? '');
    if (p.username !== this.username || p.realm !== this.realm || !seen || p.uri !== req.url) return 'bad';
    if (p.opaque !== this.opaque || p.qop !== 'auth' || !p.cnonce || !/^[0-9a-f]{8}$/.test(p.nc ?? '')) return 'bad';
    const nc = parseInt(p.nc!, 16);
    const ha1 = md5(`${this.username}:${this.realm}:${this.password}`);
    const ha2 = md5(`${req.method}:${req.url}`);
    const expected = md5(`${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:auth:${ha2}`);
    if (p.response !== expected) return 'bad';
    // A replayed nonce count is refused, as the real devices do.
    if (seen.has(nc)) return 'bad';
    seen.add(nc);
    return 'ok';
  }

  private newNonce(): string {
    const n = randomBytes(16).toString('hex');
    this.nonces.set(n, new Set());
    if (this.nonces.size > 64) this.nonces.delete(this.nonces.keys().next().value!);
    return n;
  }

  handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const path = req.url ?? '/';
    if (this.fault === 'down') {
      req.socket.destroy();
      return;
    }
    if (this.fault === 'slow') return; // the device hangs: the client's timeout must fire
    const auth = this.authorised(req);
    const done = (status: number, xml: string, headers: Record<string, string> = {}) => {
      this.requests.push({ t: this.lane.now(), method: req.method ?? '', path, auth, body, status });
      if (this.requests.length > 500) this.requests.splice(0, this.requests.length - 500);
      res.writeHead(status, { 'Content-Type': 'application/xml; charset="UTF-8"', ...headers });
      res.end(xml);
    };
    if (auth !== 'ok') {
      done(401, responseStatus(path, 4, 'Invalid Operation', 'notAuthenticated'), {
        'WWW-Authenticate': `Digest realm="${this.realm}", qop="auth", nonce="${this.newNonce()}", opaque="${this.opaque}", algorithm=MD5, stale="FALSE"`,
      });
      return;
    }
    if (this.fault === 'error') {
      done(500, responseStatus(path, 3, 'Device Error', 'deviceError'));
      return;
    }
    if (req.method === 'GET' && path === '/ISAPI/System/deviceInfo') {
      done(200, `<?xml version="1.0" encoding="UTF-8"?>\n<DeviceInfo version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema"><deviceName>lane-sim barrier</deviceName><model>SIM-BARRIER</model><firmwareVersion>V1.0</firmwareVersion></DeviceInfo>`);
      return;
    }
    const m = /^\/ISAPI\/Parking\/channels\/(\d+)\/barrierGate$/.exec(path);
    if (!m) {
      done(404, responseStatus(path, 4, 'Invalid Operation', 'notSupport'));
      return;
    }
    if (req.method !== 'PUT') {
      done(405, responseStatus(path, 4, 'Invalid Operation', 'methodNotAllowed'));
      return;
    }
    if (Number(m[1]) < 1 || Number(m[1]) > this.channels) {
      done(400, responseStatus(path, 4, 'Invalid Operation', 'invalidChannel'));
      return;
    }
    const x = /^\s*(<\?xml[^>]*\?>)?\s*<BarrierGate(\s[^>]*)?>\s*<ctrlMode>(open|close|lock|unlock)<\/ctrlMode>\s*<\/BarrierGate>\s*$/.exec(body);
    if (!x) {
      done(400, responseStatus(path, 5, 'Invalid XML Format', 'badXmlFormat'));
      return;
    }
    const mode = x[3]!;
    if (mode === 'open' || mode === 'close') this.lane.command(mode, 'isapi');
    else this.lane.log('command', { source: 'isapi', mode });
    done(200, responseStatus(path, 1, 'OK', 'ok'));
  }

  snapshot(): Record<string, unknown> {
    return { fault: this.fault, username: this.username, requests: this.requests.slice(-100) };
  }
}
