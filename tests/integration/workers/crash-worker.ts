/**
 * Child process for tests/integration/crash.test.ts: book/entry/exit/pay cycles on one database
 * file until it is killed. Odd cycles book + scanEntry, even cycles issueTicket (walk-in); then
 * quoteExit and payCash with the fixed clock moved 2 h 10 min on. After each acknowledged
 * payCash it prints `PAID <paymentId> <sessionId>` (stdout to a pipe is synchronous on Linux,
 * so a printed line means the payment call had already returned, i.e. committed).
 *
 * argv[2]: JSON `{ dbPath, attendant, cashier, zoneId, clockMs, prefix }`.
 * Start-up is split so the parent can pre-spawn the next child while the current one runs:
 * the child loads its modules, prints `LOADED` and does not touch the database until it reads
 * `GO` on stdin; then it opens the file (recovering it after the previous kill), prints `READY`
 * and cycles.
 */
import { createInterface } from 'node:readline';
import { createKiosk } from '../../../src-main/kiosk.js';

const cfg = JSON.parse(process.argv[2] ?? '{}') as {
  dbPath: string; attendant: string; cashier: string; zoneId: string; clockMs: number; prefix: string;
};
let nowMs = cfg.clockMs;
process.stdout.write('LOADED\n');
const stdin = createInterface({ input: process.stdin });
await new Promise<void>((resolve) => {
  stdin.on('line', (line) => {
    if (line.trim() === 'GO') resolve();
  });
  stdin.on('close', () => process.exit(0));
});
stdin.removeAllListeners('close');
const kiosk = await createKiosk({ dbPath: cfg.dbPath, clock: { now: () => nowMs } });

async function call<T>(method: string, input: unknown, token: string): Promise<T> {
  const r = await kiosk.call(method, input, token);
  if (!r.ok) {
    process.stderr.write(`ERR ${method} ${JSON.stringify(r.error)}\n`);
    process.exit(3);
  }
  return r.data as T;
}

process.stdout.write('READY\n');
for (let n = 1; ; n++) {
  const entryAt = cfg.clockMs + n * 10_000;
  nowMs = entryAt;
  const vehicleNumber = `${cfg.prefix}N${n}`;
  let session: { id: string; code: string };
  if (n % 2 === 1) {
    const booked = await call<{ id: string; code: string }>('gate.book', { vehicleNumber, zoneId: cfg.zoneId }, cfg.attendant);
    session = await call<{ id: string; code: string }>('gate.scanEntry', { code: booked.code }, cfg.attendant);
  } else {
    session = await call<{ id: string; code: string }>('gate.issueTicket', { vehicleNumber, zoneId: cfg.zoneId }, cfg.attendant);
  }
  nowMs = entryAt + 2 * 3_600_000 + 10 * 60_000;
  const quote = await call<{ amountDuePaise: number }>('gate.quoteExit', { code: session.code }, cfg.attendant);
  const paid = await call<{ payment: { id: string } }>(
    'gate.payCash', { sessionId: session.id, tenderedPaise: quote.amountDuePaise + 500 }, cfg.cashier,
  );
  process.stdout.write(`PAID ${paid.payment.id} ${session.id}\n`);
}
