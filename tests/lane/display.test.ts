/** GET /display: the lane display page, no log-in, FULL or the free spaces counted from the sessions. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startHarness, type Harness } from '../integration/kiosk-harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => h.close());

const page = async () => {
  const res = await fetch(`${h.bridge.url}/display`);
  return { status: res.status, type: res.headers.get('content-type'), html: await res.text() };
};

it('shows the free spaces without a log-in, refreshes itself, and reads FULL when every zone is full', async () => {
  let p = await page();
  expect(p.status).toBe(200);
  expect(p.type).toContain('text/html');
  expect(p.html).toContain('<meta http-equiv="refresh" content="5">');
  expect(p.html).toContain('data-state="FREE" data-free="15"');
  const token = await h.login('cashier');
  const zones = (await h.post('zones.list', {}, token)).json.data as { id: string; name: string }[];
  await h.post('gate.issueTicket', { vehicleNumber: 'KA01AA0001' }, token);
  expect((await page()).html).toContain('data-free="14"');
  for (const z of zones) {
    const n = z.name === 'A' ? 10 : 5;
    for (let i = 0; i < n; i++) await h.post('gate.issueTicket', { vehicleNumber: `KA${z.name}B${String(i).padStart(4, '0')}`, zoneId: z.id }, token);
  }
  p = await page();
  expect(p.html).toContain('data-state="FULL"');
  expect(p.html).toContain('<tr data-zone="A"><th>A</th><td>FULL</td></tr>');
  expect((await fetch(`${h.bridge.url}/display`, { method: 'POST' })).status).toBe(405);
});
