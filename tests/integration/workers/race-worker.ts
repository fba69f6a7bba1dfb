/**
 * Child process for tests/integration/concurrency.test.ts. Opens the SAME database file as its
 * siblings with createKiosk and calls the core in-process, so N of these are N real OS processes
 * racing on one SQLite file.
 *
 * argv[2]: JSON `{ dbPath, clockMs }`. Prints `READY` once the kiosk is open, then reads one JSON
 * command per stdin line, waits until the command's `at` (wall-clock barrier shared by all
 * workers), runs it and prints one JSON result line. Exits when stdin closes.
 */
import { createInterface } from 'node:readline';
import { createKiosk } from '../../../src-main/kiosk.js';

export type RaceCommand =
  | { round: number; at: number; clockMs?: number; kind: 'scanEntry'; token: string; code: string }
  | { round: number; at: number; clockMs?: number; kind: 'quotePay'; token: string; code: string; tenderedPaise: number }
  | { round: number; at: number; clockMs?: number; kind: 'book'; token: string; vehicleNumber: string; zoneId: string };

export interface CallOutcome {
  method: string;
  ok: boolean;
  code: string | null;
  data: unknown;
}

export interface RaceResult {
  round: number;
  pid: number;
  calls: CallOutcome[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as { dbPath: string; clockMs: number };
let nowMs = config.clockMs;
const kiosk = await createKiosk({ dbPath: config.dbPath, clock: { now: () => nowMs } });

async function call(method: string, input: unknown, token: string): Promise<CallOutcome> {
  const r = await kiosk.call(method, input, token);
  return r.ok ? { method, ok: true, code: null, data: r.data } : { method, ok: false, code: r.error.code, data: r.error };
}

async function waitUntil(at: number): Promise<void> {
  const coarse = at - Date.now() - 3;
  if (coarse > 0) await new Promise((r) => setTimeout(r, coarse));
  while (Date.now() < at) { /* spin the last few ms so every worker leaves the barrier together */ }
}

async function run(cmd: RaceCommand): Promise<CallOutcome[]> {
  if (cmd.clockMs !== undefined) nowMs = cmd.clockMs;
  await waitUntil(cmd.at);
  switch (cmd.kind) {
    case 'scanEntry':
      return [await call('gate.scanEntry', { code: cmd.code }, cmd.token)];
    case 'quotePay': {
      const quote = await call('gate.quoteExit', { code: cmd.code }, cmd.token);
      if (!quote.ok) return [quote];
      const sessionId = (quote.data as { sessionId: string }).sessionId;
      const pay = await call('gate.payCash', { sessionId, tenderedPaise: cmd.tenderedPaise }, cmd.token);
      return [quote, pay];
    }
    case 'book':
      return [await call('gate.book', { vehicleNumber: cmd.vehicleNumber, zoneId: cmd.zoneId }, cmd.token)];
  }
}

process.stdout.write('READY\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  const cmd = JSON.parse(line) as RaceCommand;
  const calls = await run(cmd);
  const result: RaceResult = { round: cmd.round, pid: process.pid, calls };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
await kiosk.close();
