/**
 * The kiosk's signed client with several server URLs, against real peers on loopback: a port
 * that refuses, a peer that accepts and cuts the connection mid-request (an instance killed),
 * a proxy answering 502 without a server behind it, and a real server. Each request is resent
 * to the next URL (signed anew: the server would refuse a reused request id) and later requests
 * stay on the one that answered. A request the caller aborts is not resent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type ParkGateServer } from '../../src-server/app.js';
import { loadConfig } from '../../src-server/config.js';
import { addKiosk } from '../../src-server/kiosks/enrolment.js';
import { systemClock } from '../../src-server/util/clock.js';
import { SignedClient } from '../../src-main/online/signed-client.js';
import { parseServerUrls } from '../../src-shared/protocol/server-urls.js';
import { createTestDatabase, type TestDatabase } from '../server/helpers/databases.js';
import { serverEnv } from '../server/helpers/env.js';
import { freePort } from '../server/helpers/processes.js';

const listen = async (s: Server) => {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
};

describe('kiosk server client: failover between server URLs', () => {
  let database: TestDatabase;
  let server: ParkGateServer;
  let real = '';
  let cutter: Server;
  let proxy502: Server;
  let cutUrl = '';
  let badGatewayUrl = '';
  let refused = '';
  let kiosk: { id: string; secret: string };
  let cuts = 0;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    server = await buildServer({ config: loadConfig(serverEnv({ databaseUrl: database.url, gateway: 'sim', simUrl: 'http://127.0.0.1:9' })) });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    real = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
    kiosk = await addKiosk(server.ctx.db, systemClock, 'Failover gate');
    cutter = createServer((req) => {
      cuts++;
      req.socket.destroy(); // read the request, then the "instance" dies before answering
    });
    cutUrl = await listen(cutter);
    proxy502 = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>502 Bad Gateway</body></html>');
    });
    badGatewayUrl = await listen(proxy502);
    refused = `http://127.0.0.1:${await freePort()}`;
  });

  afterAll(async () => {
    await server.close();
    cutter.close();
    proxy502.close();
    await database.drop();
  });

  const client = (urls: string[], log: string[] = []) => new SignedClient({
    baseUrl: urls.join(', '), kioskId: kiosk.id, kioskSecret: kiosk.secret, now: () => Date.now(),
    onFailover: (from, to, reason) => log.push(`${from} -> ${to} (${reason})`),
  });

  it('parses a list of URLs and refuses a bad entry', () => {
    expect(parseServerUrls('http://a.example:8080/, https://b.example  http://a.example:8080')).toEqual(['http://a.example:8080', 'https://b.example']);
    expect(parseServerUrls('http://a.example, ftp://b.example')).toBeNull();
    expect(parseServerUrls('http://user:pw@a.example')).toBeNull();
    expect(parseServerUrls(' , ')).toBeNull();
  });

  it('refused, cut mid-request, 502: the same call reaches the real server, and later calls go there first', async () => {
    const log: string[] = [];
    const c = client([refused, cutUrl, badGatewayUrl, real], log);
    const cutsBefore = cuts;
    const pong = await c.request('GET', '/kiosk/v1/ping', undefined, { timeoutMs: 5000 });
    expect(pong).toMatchObject({ kioskId: kiosk.id });
    expect(cuts - cutsBefore).toBe(1);
    expect(log).toHaveLength(3);
    expect(c.baseUrl).toBe(real);
    await c.request('GET', '/kiosk/v1/ping', undefined, { timeoutMs: 5000 });
    expect(c.failovers).toBe(3); // no new failover: it stayed
  });

  it('every URL down: the call fails once each was tried', async () => {
    const c = client([refused, cutUrl]);
    await expect(c.request('GET', '/kiosk/v1/ping', undefined, { timeoutMs: 2000 })).rejects.toBeInstanceOf(TypeError);
    expect(c.failovers).toBe(2);
  });

  it('a call the caller aborts is not resent elsewhere', async () => {
    const slow = createServer(() => undefined); // never answers
    const slowUrl = await listen(slow);
    try {
      const c = client([slowUrl, real]);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      await expect(c.request('GET', '/kiosk/v1/ping', undefined, { timeoutMs: 5000, signal: ac.signal })).rejects.toThrow();
      expect(c.failovers).toBe(0);
      expect(c.baseUrl).toBe(slowUrl);
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  });
});
