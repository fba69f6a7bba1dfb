/**
 * Child process for tests/invoices/crash.test.ts: paid exits on one database file until it is
 * killed. Cycle n: a walk-in ticket, then cash after 1 h (a small receipt), 6 h (a B2C tax
 * invoice) or 1 h with a buyer GSTIN (a B2B invoice), in turn. After each acknowledged payCash it
 * prints `PAID <sessionId>` (a printed line means the call had returned, i.e. committed).
 * Same start-up handshake as tests/integration/workers/crash-worker.ts (LOADED, GO, READY).
 * argv[2]: JSON `{ dbPath, zoneId, clockMs, prefix }`.
 */
import { createInterface } from 'node:readline';
import { createKiosk } from '../../../src-main/kiosk.js';

const cfg = JSON.parse(process.argv[2] ?? '{}') as { dbPath: string; zoneId: string; clockMs: number; prefix: string };
let nowMs = cfg.clockMs;
process.stdout.write('LOADED\n');
const stdin = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => {
  stdin.on('line', (line) => { if (line.trim() === 'GO') resolve(); });
  stdin.on('close', () => process.exit(0));
});
stdin.removeAllListeners('close');
const kiosk = await createKiosk({ dbPath: cfg.dbPath, clock: { now: () => nowMs } });

async function call<T>(method: string, input: unknown, token: string | null): Promise<T> {
  const r = await kiosk.call(method, input, token);
  if (!r.ok) {
    process.stderr.write(`ERR ${method} ${JSON.stringify(r.error)}\n`);
    process.exit(3);
  }
  return r.data as T;
}

const cashier = (await call<{ token: string }>('auth.login', { username: 'cashier', pin: '2468' }, null)).token;
process.stdout.write('READY\n');
for (let n = 1; ; n++) {
  const entryAt = cfg.clockMs + n * 10_000;
  nowMs = entryAt;
  const session = await call<{ id: string; code: string }>('gate.issueTicket', { vehicleNumber: `${cfg.prefix}N${n}`, zoneId: cfg.zoneId }, cashier);
  const kind = n % 3;
  nowMs = entryAt + (kind === 1 ? 6 : 1) * 3_600_000 - 60_000;
  const quote = await call<{ amountDuePaise: number }>('gate.quoteExit', { code: session.code }, cashier);
  const buyer = kind === 2 ? { gstin: '29AAGCB7383J1Z4', name: 'Acme Karnataka' } : undefined;
  await call('gate.payCash', { sessionId: session.id, tenderedPaise: quote.amountDuePaise, ...(buyer ? { buyer } : {}) }, cashier);
  process.stdout.write(`PAID ${session.id}\n`);
}
