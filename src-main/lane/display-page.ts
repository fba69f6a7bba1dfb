/**
 * The plain page for a display screen at the lane (GET /display on the kiosk's bridge, no log-in):
 * FULL or the number of free spaces, per zone and in all, refreshed by the browser every few
 * seconds. No script (the bridge's CSP allows none inline), one self-contained HTML document.
 */
import type { ZoneOccupancy } from '../../src-shared/contracts/lane.js';

export const DISPLAY_REFRESH_SECONDS = 5;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function displayPageHtml(facilityName: string, zones: ZoneOccupancy[]): string {
  const free = zones.reduce((n, z) => n + z.free, 0);
  const full = zones.length === 0 || zones.every((z) => z.full);
  const headline = full
    ? '<p class="big full" data-state="FULL">FULL <span lang="hi">भरा हुआ</span></p>'
    : `<p class="big free" data-state="FREE" data-free="${free}">${free} <span class="unit">spaces free <span lang="hi">स्थान खाली</span></span></p>`;
  const rows = zones
    .map((z) => `<tr data-zone="${escapeHtml(z.zoneName)}"><th>${escapeHtml(z.zoneName)}</th><td>${z.full ? 'FULL' : `${z.free} free`}</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${DISPLAY_REFRESH_SECONDS}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(facilityName)}: ${full ? 'FULL' : `${free} free`}</title>
<style>
body{margin:0;background:#000;color:#fff;font-family:sans-serif;text-align:center}
h1{font-size:4vw;margin:3vh 0}
.big{font-size:16vw;font-weight:bold;margin:2vh 0}
.full{color:#ff3b30}.free{color:#34c759}.unit{display:block;font-size:5vw}
table{margin:2vh auto;font-size:5vw;border-collapse:collapse}th,td{padding:0 3vw}
</style></head>
<body><h1>${escapeHtml(facilityName)}</h1>${headline}<table>${rows}</table></body></html>`;
}
