/**
 * The lane simulator in one object: the lane model, a Modbus TCP IO module, a Modbus RTU module
 * and a USB relay board on socat pty pairs, and an HTTP server that is both the ISAPI barrier
 * controller (`/ISAPI/...`, digest auth) and the simulator's control panel (`/_sim/...`, no
 * auth, loopback only). Used by `npm run lane-sim`, the driver tests and the lane benchmark.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsapiPeer, type IsapiFault } from './isapi-peer.js';
import { LaneModel, type LaneModelOptions, SimConflict } from './lane-model.js';
import { type ModbusFault, ModbusPeer } from './modbus-peer.js';
import { PtyPair } from './pty-pair.js';
import { RelayPeer } from './relay-peer.js';

export interface LaneSimOptions {
  /** Where the pty links go (a temp dir by default, removed on stop). */
  dir?: string;
  host?: string;
  httpPort?: number;
  modbusTcpPort?: number;
  /** Which peers to start (all by default). */
  modbusTcp?: boolean;
  modbusRtu?: boolean;
  relay?: boolean;
  isapiUser?: string;
  isapiPassword?: string;
  lane?: Partial<LaneModelOptions>;
}

export interface LaneSim {
  lane: LaneModel;
  modbusTcp: ModbusPeer | null;
  modbusRtu: ModbusPeer | null;
  relay: RelayPeer | null;
  isapi: IsapiPeer;
  /** http://host:port of the ISAPI endpoint and the /_sim control panel. */
  url: string;
  httpPort: number;
  dir: string;
  state(): Record<string, unknown>;
  stop(): Promise<void>;
}

type Device = 'modbus-tcp' | 'modbus-rtu' | 'relay' | 'isapi';

export async function startLaneSim(o: LaneSimOptions = {}): Promise<LaneSim> {
  const ownDir = !o.dir;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'lane-sim-'));
  const lane = new LaneModel(o.lane);
  const modbusTcp = o.modbusTcp === false ? null : new ModbusPeer(lane, 'tcp');
  const modbusRtu = o.modbusRtu === false ? null : new ModbusPeer(lane, 'rtu', new PtyPair(dir, 'rtu'));
  const relay = o.relay === false ? null : new RelayPeer(lane, new PtyPair(dir, 'relay'));
  const isapi = new IsapiPeer(lane, o.isapiUser ?? 'admin', o.isapiPassword ?? 'sim-password');

  await modbusTcp?.start(o.modbusTcpPort);
  await modbusRtu?.start();
  await relay?.start();

  const peer = (d: string): ModbusPeer | RelayPeer | IsapiPeer | null =>
    d === 'modbus-tcp' ? modbusTcp : d === 'modbus-rtu' ? modbusRtu : d === 'relay' ? relay : d === 'isapi' ? isapi : null;

  const state = () => ({
    lane: lane.snapshot(),
    modbusTcp: modbusTcp?.snapshot() ?? null,
    modbusRtu: modbusRtu?.snapshot() ?? null,
    relay: relay?.snapshot() ?? null,
    isapi: isapi.snapshot(),
    history: lane.history.slice(-300),
  });

  const control = async (path: string, q: URLSearchParams): Promise<unknown> => {
    const device = q.get('device') ?? '';
    switch (path) {
      case '/_sim/state':
        return state();
      case '/_sim/reset':
        lane.reset();
        for (const m of [modbusTcp, modbusRtu]) if (m) m.fault = 'none';
        isapi.fault = 'none';
        return state();
      case '/_sim/arrive':
        lane.arrive();
        return lane.snapshot();
      case '/_sim/leave':
        lane.leave();
        return lane.snapshot();
      case '/_sim/pass':
        await lane.pass(q.get('force') === '1');
        return lane.snapshot();
      case '/_sim/tailgate':
        await lane.tailgate(q.get('force') === '1');
        return lane.snapshot();
      case '/_sim/chatter': {
        const loop = q.get('loop') === 'safety' ? 'safety' : 'arming';
        await lane.chatter(loop, clampInt(q.get('times'), 1, 1000, 10), clampInt(q.get('ms'), 1, 1000, 10));
        return lane.snapshot();
      }
      case '/_sim/fault': {
        const mode = q.get('mode') ?? 'none';
        const p = peer(device);
        if (p instanceof ModbusPeer && ['none', 'silent', 'exception', 'garbage'].includes(mode)) {
          p.fault = mode as ModbusFault;
          p.exceptionCode = clampInt(q.get('code'), 1, 11, 4);
        } else if (p instanceof IsapiPeer && ['none', 'slow', 'error', 'down'].includes(mode)) {
          p.fault = mode as IsapiFault;
        } else if (p instanceof RelayPeer && mode === 'garbage') {
          p.garbage();
        } else throw new SimConflict(`unknown device "${device}" or fault "${mode}"`);
        lane.log('fault', { device, mode });
        return state();
      }
      case '/_sim/unplug':
      case '/_sim/replug': {
        const p = peer(device);
        if (!p) throw new SimConflict(`unknown device "${device}"`);
        const plug = path === '/_sim/replug';
        if (p instanceof IsapiPeer) p.fault = plug ? 'none' : 'down';
        else if (plug) {
          if (!p.running) await p.start();
        } else await p.stop();
        lane.log(plug ? 'replug' : 'unplug', { device });
        return state();
      }
      default:
        return undefined;
    }
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://sim');
      const body = Buffer.concat(chunks).toString('utf8');
      if (isapi.handles(url.pathname)) {
        isapi.handle(req, res, body);
        return;
      }
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      control(url.pathname, url.searchParams).then(
        (data) => (data === undefined ? send(404, { error: `no such simulator endpoint ${url.pathname}` }) : send(200, data)),
        (err: unknown) => send(err instanceof SimConflict ? 409 : 500, { error: (err as Error).message }),
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.httpPort ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const httpPort = addr && typeof addr === 'object' ? addr.port : 0;

  return {
    lane,
    modbusTcp,
    modbusRtu,
    relay,
    isapi,
    url: `http://${o.host ?? '127.0.0.1'}:${httpPort}`,
    httpPort,
    dir,
    state,
    async stop() {
      lane.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await Promise.all([modbusTcp?.stop(), modbusRtu?.stop(), relay?.stop()]);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type { Device as LaneSimDevice };

function clampInt(raw: string | null, min: number, max: number, def: number): number {
  const n = raw === null ? def : Number.parseInt(raw, 10);
  return Number.isFinite(n) ? Math.min(max, Math.max(min, n)) : def;
}
