/**
 * Headless entry: `serve` (core + HTTP bridge + built UI), `doctor` (integrity, keyed audit chain, its
 * anchor at the central server; src-main/records/doctor.ts), `prune` / `vacuum` (records maintenance),
 * `backup` (SQLite online backup, verified by reopening it), `report` (daily report as CSV zip or PDF).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startHttpBridge } from './bridge/http-bridge.js';
import { createKiosk } from './kiosk.js';
import { backupDatabase } from './store/backup.js';
import { recordsCommands } from './records/doctor.js';
import { opsCommands, resolveServer, serveOps } from './ops/cli-commands.js'; // restore, diagnostics, serve logs/backups
import { kioskSecretFromStartup } from './ops/secret-store.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function log(level: 'info' | 'warn' | 'error', message: string, extra?: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...extra })}\n`);
}

function ensureDir(file: string): void {
  mkdirSync(dirname(resolve(file)), { recursive: true });
}

async function serve(argv: string[]): Promise<void> {
  // Before parsing: a --kiosk-secret given by mistake is refused with the way to do it instead.
  kioskSecretFromStartup(argv, {}, undefined);
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: process.env.PARKGATE_DB ?? '.data/kiosk.db' },
      port: { type: 'string', default: process.env.PARKGATE_PORT ?? '8765' },
      'seed-demo': { type: 'boolean', default: false },
      'fake-clock': { type: 'boolean', default: false },
      server: { type: 'string', default: process.env.PARKGATE_SERVER_URL },
      'kiosk-id': { type: 'string', default: process.env.PARKGATE_KIOSK_ID },
      // The secret never on the command line (ps shows it): a 0600 file, or PARKGATE_KIOSK_SECRET.
      'kiosk-secret-file': { type: 'string', default: process.env.PARKGATE_KIOSK_SECRET_FILE },
      'static-dir': { type: 'string', default: resolve(ROOT, 'dist-renderer') },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  ensureDir(values.db);
  const kioskSecret = kioskSecretFromStartup(argv, process.env, values['kiosk-secret-file']);
  // Not passed on to any child process.
  delete process.env.PARKGATE_KIOSK_SECRET;
  const ops = serveOps(values.db, kioskSecret); // rotating logs + stderr, secret store, backup schedule
  // flags/env first, else the central server saved by the first-run setup (kiosk secret: ops.kioskSecret, from the secret store)
  const server = resolveServer(values.db, { serverUrl: values.server, kioskId: values['kiosk-id'] }, ops.kioskSecret, ops.log);
  const adminUser = process.env.KIOSK_ADMIN_USER;
  const adminPin = process.env.KIOSK_ADMIN_PIN;
  const kiosk = await createKiosk({
    dbPath: values.db,
    seedDemo: values['seed-demo'],
    fakeClock: values['fake-clock'],
    serverUrl: server.serverUrl,
    kioskId: server.kioskId,
    kioskSecret: ops.kioskSecret,
    initialAdmin: adminUser && adminPin ? { username: adminUser, pin: adminPin } : undefined,
    log: ops.log,
    ops: ops.ops,
  });
  const bridge = await startHttpBridge(kiosk, { port, staticDir: existsSync(values['static-dir']) ? values['static-dir'] : null });
  process.stdout.write(`listening on ${bridge.url}\n`);
  const stop = async () => {
    await bridge.close();
    await kiosk.close();
    ops.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

async function backup(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: 'string', default: '.data/kiosk.db' }, out: { type: 'string' } },
    strict: true,
  });
  if (!values.out) throw new Error('backup needs --out <file>');
  ensureDir(values.out);
  const result = await backupDatabase(values.db, values.out);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (!result.verified) process.exitCode = 1;
}

/** `report --date YYYY-MM-DD --format csv|pdf --out <file> [--db F]`: the daily report for scheduled exports. */
async function report(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: process.env.PARKGATE_DB ?? '.data/kiosk.db' },
      date: { type: 'string' },
      format: { type: 'string', default: 'pdf' },
      out: { type: 'string' },
    },
    strict: true,
  });
  if (!values.date || !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) throw new Error('report needs --date YYYY-MM-DD');
  if (values.format !== 'csv' && values.format !== 'pdf') throw new Error('--format must be csv or pdf');
  if (!values.out) throw new Error('report needs --out <file> (csv: a .zip with one CSV per section)');
  if (!existsSync(values.db)) throw new Error(`No database at ${values.db}`);
  const kiosk = await createKiosk({ dbPath: values.db, log });
  try {
    const { exportReport } = await import('./reports/index.js');
    const result = await exportReport(kiosk.ctx, null, values.date, values.format);
    ensureDir(values.out);
    const bytes = Buffer.from(result.base64, 'base64');
    writeFileSync(values.out, bytes);
    process.stdout.write(`${JSON.stringify({ out: resolve(values.out), fileName: result.fileName, mimeType: result.mimeType, bytes: bytes.length })}\n`);
  } finally {
    await kiosk.close();
  }
}

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = { serve, backup, report, ...opsCommands, ...recordsCommands };

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  const run = command ? COMMANDS[command] : undefined;
  if (!run) {
    process.stderr.write(`usage: cli <${Object.keys(COMMANDS).join('|')}> [options]\n`);
    process.exit(2);
  }
  await run(rest);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
