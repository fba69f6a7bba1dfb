/** GET /display on the HTTP bridge: the lane display page, open to anyone on the loopback (it shows only free spaces). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kiosk } from '../kiosk.js';
import { getSettings } from '../services/settings.js';
import { displayPageHtml } from './display-page.js';
import { zoneOccupancy } from './occupancy.js';

export function serveDisplay(kiosk: Kiosk, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' });
    res.end();
    return;
  }
  const html = displayPageHtml(getSettings(kiosk.ctx).facilityName, zoneOccupancy(kiosk.ctx.store));
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), 'Cache-Control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : html);
}
