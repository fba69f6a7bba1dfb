/**
 * `npm run server:cli -- <command>`: enrolment and seeding on the server's database
 * (DATABASE_URL, same default as the server).
 *   kiosk add <name>          prints the kiosk id and secret (the secret is shown only once)
 *   kiosk revoke <id>         the kiosk's requests are refused from now on
 *   kiosk list
 *   zone add <name> <hourlyRatePaise> <slots>
 *   zone list
 *   payments review           payments flagged for a supervisor (late, amount/reference mismatch)
 *   payments accept <id> <reason...>   keep a flagged captured payment as income (flag cleared, decision recorded)
 *   payments refund <id> <reason...>   refund a flagged captured payment through its gateway (idempotent;
 *                                      needs the gateway's settings in the environment, as for the server)
 */
import { userInfo } from 'node:os';
import { openServerDb } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { addKiosk, listKiosks, revokeKiosk } from './kiosks/enrolment.js';
import { secretsKeyFromEnv } from './config.js';
import { SecretBox } from './db/secret-box.js';
import { cliPaymentDeps } from './payments/cli-deps.js';
import { resolveFlagged } from './payments/flagged.js';
import { systemClock } from './util/clock.js';
import { addZone, listZones } from './zones/zones.js';

const USAGE = `usage: server:cli -- kiosk add <name> | kiosk revoke <id> | kiosk list
                     | zone add <name> <hourlyRatePaise> <slots> | zone list | payments review
                     | payments accept <paymentId> <reason...> | payments refund <paymentId> <reason...>`;

async function run(args: string[]): Promise<number> {
  const [area, verb, ...rest] = args;
  const sdb = openServerDb(process.env.DATABASE_URL || './.data/server.db');
  try {
    await migrateToLatest(sdb.db);
    const db = sdb.db;
    if (area === 'kiosk' && verb === 'add' && rest.length >= 1) {
      const { id, secret } = await addKiosk(db, systemClock, rest.join(' '), new SecretBox(secretsKeyFromEnv(process.env).key));
      process.stdout.write(`kiosk id:     ${id}\nkiosk secret: ${secret}\n(store the secret on the kiosk now; it is not kept on the server)\n`);
      return 0;
    }
    if (area === 'kiosk' && verb === 'revoke' && rest.length === 1) {
      const done = await revokeKiosk(db, systemClock, rest[0]!);
      process.stdout.write(done ? `revoked ${rest[0]}\n` : `no active kiosk ${rest[0]}\n`);
      return done ? 0 : 1;
    }
    if (area === 'kiosk' && verb === 'list') {
      for (const k of await listKiosks(db)) {
        process.stdout.write(`${k.id}\t${k.name}\t${k.revoked_at === null ? 'active' : `revoked ${new Date(k.revoked_at).toISOString()}`}\n`);
      }
      return 0;
    }
    if (area === 'zone' && verb === 'add' && rest.length === 3) {
      const [name, rate, slots] = rest as [string, string, string];
      if (!/^\d+$/.test(rate) || !/^\d+$/.test(slots)) throw new Error('hourlyRatePaise and slots must be whole numbers');
      const id = await addZone(db, systemClock, name, Number(rate), Number(slots));
      process.stdout.write(`zone ${name}: ${id} (${slots} slots, ${rate} paise/hour)\n`);
      return 0;
    }
    if (area === 'zone' && verb === 'list') {
      for (const z of await listZones(db)) {
        process.stdout.write(`${z.id}\t${z.name}\t${z.hourlyRatePaise} paise/h\t${z.availableSlots}/${z.totalSlots} free\n`);
      }
      return 0;
    }
    if (area === 'payments' && verb === 'review') {
      const rows = await db.selectFrom('payments').selectAll().where('review_reason', 'is not', null).orderBy('created_at').execute();
      for (const p of rows) {
        process.stdout.write(`${p.id}\t${p.status}\t${p.review_reason}\t${p.amount_paise} paise\t${p.gateway}:${p.gateway_ref ?? '-'}\tsession ${p.session_id}\n`);
      }
      return 0;
    }
    if (area === 'payments' && (verb === 'accept' || verb === 'refund') && rest.length >= 2) {
      const [paymentId, ...words] = rest as [string, ...string[]];
      const { deps, drain } = cliPaymentDeps(db, systemClock);
      try {
        const r = await resolveFlagged(deps, { paymentId, action: verb, reason: words.join(' '), by: `cli:${userInfo().username}` });
        const refund = r.refund ? `, refund ${r.refund.gatewayRefundId ?? r.refund.id} ${r.refund.amountPaise} paise` : '';
        process.stdout.write(`${r.repeated ? 'already ' : ''}${verb === 'accept' ? 'accepted' : 'refunded'} ${paymentId}: ${r.payment.status}${refund}\n`);
        return 0;
      } catch (err) {
        const e = err as { code?: string; message: string; details?: unknown };
        process.stderr.write(`server:cli: ${e.code ? `${e.code}: ` : ''}${e.message}${e.details ? ` ${JSON.stringify(e.details)}` : ''}\n`);
        return 1;
      } finally {
        await drain();
      }
    }
    process.stderr.write(`${USAGE}\n`);
    return 2;
  } finally {
    await sdb.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`server:cli: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
