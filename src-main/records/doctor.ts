/**
 * `doctor`, `prune` and `vacuum` (src-main/cli.ts). doctor runs with the kiosk stopped or running:
 * integrity checks, the audit chain (keyed), the archived segments, and the chain against its
 * anchor: the central server's checkpoints when it is reachable (--server/--kiosk-id/
 * --kiosk-secret-file or PARKGATE_KIOSK_SECRET, else what `serve` saved), offline (or with --offline) the checkpoint the server
 * last acknowledged. Exit code 1 on any finding.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createKiosk } from '../kiosk.js';
import { ServerClient } from '../online/server-client.js';
import { storedClockOffset } from '../online/clock-offset.js';
import { savedServerSettings } from '../ops/cli-commands.js';
import { createFileSecretStore, secretsDirFor, kioskSecretFromStartup } from '../ops/secret-store.js';
import { integrityCheckAnchored } from '../services/integrity.js';
import { archiveDirFor, verifyArchive } from './audit-archive.js';
import { keeperOf } from './keeper.js';
import { autoVacuumMode, convertToIncremental, dbFileBytes, incrementalVacuumStep } from './vacuum.js';

const stderrLog = (level: string, message: string, extra?: Record<string, unknown>) =>
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...extra })}\n`);

const dbDefault = () => process.env.PARKGATE_DB ?? '.data/kiosk.db';

export async function doctor(argv: string[]): Promise<void> {
  kioskSecretFromStartup(argv, {}, undefined); // the secret on the command line is refused
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: dbDefault() },
      server: { type: 'string', default: process.env.PARKGATE_SERVER_URL },
      'kiosk-id': { type: 'string', default: process.env.PARKGATE_KIOSK_ID },
      'kiosk-secret-file': { type: 'string', default: process.env.PARKGATE_KIOSK_SECRET_FILE },
      offline: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!existsSync(values.db)) throw new Error(`No database at ${values.db}`);
  const kiosk = await createKiosk({ dbPath: values.db, log: stderrLog });
  try {
    const saved = savedServerSettings(values.db);
    const serverUrl = values.offline ? undefined : values.server ?? saved.serverUrl;
    const kioskSecret = kioskSecretFromStartup(argv, process.env, values['kiosk-secret-file']) ?? createFileSecretStore(secretsDirFor(values.db)).get('kiosk-secret') ?? undefined;
    const kioskId = values['kiosk-id'] ?? saved.kioskId ?? kiosk.kioskId;
    // The offset the kiosk measured; a refused timestamp is retried once with the server's clock
    // (doctor never writes the offset back: it is the running kiosk's to measure).
    const stored = storedClockOffset(kiosk.ctx.store).get();
    let fresh: number | null = null;
    const client = serverUrl && kioskSecret
      ? new ServerClient({
        baseUrl: serverUrl, kioskId, kioskSecret, timeoutMs: 5000, now: () => kiosk.ctx.clock.now(),
        offset: () => fresh ?? stored, onOffset: (ms) => (fresh = ms),
      })
      : null;
    // The archive first: its verified hashes let the anchor check cover archived entries too.
    const archive = verifyArchive(kiosk.ctx, archiveDirFor(dirname(resolve(values.db))));
    const report = await integrityCheckAnchored(kiosk.ctx, client ? () => client.auditCheckpoints() : undefined, archive.ok ? archive.hashAt : undefined);
    const audit = kiosk.ctx.audit.verify();
    if (!archive.ok) report.findings.push({ check: 'audit_archive', message: archive.message, ids: [] });
    const ok = report.findings.length === 0 && audit.ok && archive.ok;
    process.stdout.write(`${JSON.stringify({ integrity: { ok, findings: report.findings }, audit, anchor: report.anchor, archive }, null, 2)}\n`);
    if (!ok) process.exitCode = 1;
  } finally {
    await kiosk.close();
  }
}

/**
 * `prune --db F [--standalone] [--pause-ms N]`: one full records maintenance run now (retention,
 * archive, vacuum), in batches. Without --standalone the kiosk is taken to have a server (its
 * pending events are kept whatever their age).
 */
export async function prune(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: 'string', default: dbDefault() }, standalone: { type: 'boolean', default: false }, 'pause-ms': { type: 'string', default: '5' } },
    strict: true,
  });
  if (!existsSync(values.db)) throw new Error(`No database at ${values.db}`);
  const kiosk = await createKiosk({ dbPath: values.db, log: stderrLog });
  try {
    const keeper = keeperOf(kiosk.ctx)!;
    const report = await keeper.runOnceWith({ pauseMs: Number(values['pause-ms']), serverConfigured: !values.standalone });
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await kiosk.close();
  }
}

/** `vacuum --db F`: converts to auto_vacuum=INCREMENTAL whatever the size (a maintenance window), then frees every free page. */
export async function vacuum(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { db: { type: 'string', default: dbDefault() } }, strict: true });
  if (!existsSync(values.db)) throw new Error(`No database at ${values.db}`);
  const kiosk = await createKiosk({ dbPath: values.db, log: stderrLog });
  try {
    const before = dbFileBytes(values.db);
    const sqlite = kiosk.ctx.store.sqlite;
    const converted = convertToIncremental(sqlite, values.db, Number.POSITIVE_INFINITY);
    while (incrementalVacuumStep(sqlite, 4096) > 0);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    process.stdout.write(`${JSON.stringify({ converted, autoVacuum: autoVacuumMode(sqlite), bytesBefore: before, bytesAfter: dbFileBytes(values.db) })}\n`);
  } finally {
    await kiosk.close();
  }
}

export const recordsCommands: Record<string, (argv: string[]) => Promise<void>> = { doctor, prune, vacuum };
