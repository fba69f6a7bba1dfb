/**
 * `npm run server:cli -- <command>`: enrolment and seeding on the server's database
 * (DATABASE_URL, same default as the server).
 *   facility add <name...> [--time-zone <IANA>] [--id <id>]   a car park (default time zone Asia/Kolkata)
 *   facility list
 *   facility rename <id> <name...>
 *   facility time-zone <id> <IANA>
 *   kiosk add <name> [--facility <id>]   prints the kiosk id and secret (the secret is shown only once);
 *                                        the facility may be left out while the server has only one
 *   kiosk revoke <id>         the kiosk's requests are refused from now on
 *   kiosk list
 *   zone add <name> <hourlyRatePaise> <slots> [--facility <id>]
 *   zone list [--facility <id>]
 *   payments review           payments flagged for a supervisor (late, amount/reference mismatch)
 *   payments accept <id> <reason...>   keep a flagged captured payment as income (flag cleared, decision recorded)
 *   payments refund <id> <reason...>   refund a flagged captured payment through its gateway (idempotent;
 *                                      needs the gateway's settings in the environment, as for the server)
 *   merchant list [--facility <id>]    merchants the facility's gates published (id, name, prepaid, active)
 *   merchant token add <merchantId> <label...> [--facility <id>]   a merchant's API credential for
 *                                      pre-validation; prints the token once (only its hash is kept)
 *   merchant token list [--facility <id>]
 *   merchant token revoke <credentialId>
 */
import { userInfo } from 'node:os';
import { openServerDb, type ServerDb } from './db/connect.js';
import { createFacility, getFacility, listFacilities, resolveFacility, updateFacility, type FacilityView } from './facilities/facilities.js';
import { migrateToLatest } from './db/migrate.js';
import { addKiosk, listKiosks, revokeKiosk } from './kiosks/enrolment.js';
import { secretsKeyFromEnv } from './config.js';
import { SecretBox } from './db/secret-box.js';
import { cliPaymentDeps } from './payments/cli-deps.js';
import { resolveFlagged } from './payments/flagged.js';
import { systemClock } from './util/clock.js';
import { addZone, listZones } from './zones/zones.js';
import { issueMerchantCredential, listMerchantCredentials, publishedMerchants, revokeMerchantCredential } from './validations/credentials.js';

const USAGE = `usage: server:cli -- facility add <name> [--time-zone <IANA>] [--id <id>] | facility list
                     | facility rename <id> <name> | facility time-zone <id> <IANA>
                     | kiosk add <name> [--facility <id>] | kiosk revoke <id> | kiosk list
                     | zone add <name> <hourlyRatePaise> <slots> [--facility <id>] | zone list [--facility <id>] | payments review
                     | payments accept <paymentId> <reason...> | payments refund <paymentId> <reason...>
                     | merchant list [--facility <id>] | merchant token add <merchantId> <label> [--facility <id>]
                     | merchant token list [--facility <id>] | merchant token revoke <credentialId>`;

/** Splits `--name value` options (only the known names) from the positional words. */
function options(words: string[], names: string[]): { rest: string[]; opts: Record<string, string> } {
  const rest: string[] = [];
  const opts: Record<string, string> = {};
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const name = w.startsWith('--') ? w.slice(2) : null;
    if (name !== null && names.includes(name)) {
      const value = words[i + 1];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      opts[name] = value;
      i++;
    } else rest.push(w);
  }
  return { rest, opts };
}

async function run(args: string[]): Promise<number> {
  const [area, verb, ...words] = args;
  const { rest, opts } = options(words, ['facility', 'time-zone', 'id']);
  const sdb = openServerDb(process.env.DATABASE_URL || './.data/server.db');
  try {
    await migrateToLatest(sdb.db);
    const db = sdb.db;
    if (area === 'facility') {
      const code = await facilityCommand(db, verb, rest, opts);
      if (code !== null) return code;
    }
    if (area === 'merchant') {
      const code = await merchantCommand(db, verb, rest, opts);
      if (code !== null) return code;
    }
    if (area === 'kiosk' && verb === 'add' && rest.length >= 1) {
      const { id, secret, facilityId } = await addKiosk(db, systemClock, rest.join(' '), new SecretBox(secretsKeyFromEnv(process.env).key), opts.facility);
      process.stdout.write(`kiosk id:     ${id}\nkiosk secret: ${secret}\nfacility:     ${facilityId}\n(store the secret on the kiosk now; it is not kept on the server)\n`);
      return 0;
    }
    if (area === 'kiosk' && verb === 'revoke' && rest.length === 1) {
      const done = await revokeKiosk(db, systemClock, rest[0]!);
      process.stdout.write(done ? `revoked ${rest[0]}\n` : `no active kiosk ${rest[0]}\n`);
      return done ? 0 : 1;
    }
    if (area === 'kiosk' && verb === 'list') {
      for (const k of await listKiosks(db)) {
        process.stdout.write(`${k.id}\t${k.facility_id}\t${k.name}\t${k.revoked_at === null ? 'active' : `revoked ${new Date(k.revoked_at).toISOString()}`}\n`);
      }
      return 0;
    }
    if (area === 'zone' && verb === 'add' && rest.length === 3) {
      const [name, rate, slots] = rest as [string, string, string];
      if (!/^\d+$/.test(rate) || !/^\d+$/.test(slots)) throw new Error('hourlyRatePaise and slots must be whole numbers');
      const facility = await resolveFacility(db, opts.facility);
      const id = await addZone(db, systemClock, name, Number(rate), Number(slots), facility.id);
      process.stdout.write(`zone ${name}: ${id} (${slots} slots, ${rate} paise/hour)\n`);
      return 0;
    }
    if (area === 'zone' && verb === 'list') {
      for (const z of await listZones(db, opts.facility === undefined ? undefined : (await getFacility(db, opts.facility)).id)) {
        process.stdout.write(`${z.id}\t${z.facilityId}\t${z.name}\t${z.hourlyRatePaise} paise/h\t${z.availableSlots}/${z.totalSlots} free\n`);
      }
      return 0;
    }
    if (area === 'payments' && verb === 'review') {
      const rows = await db.selectFrom('payments').selectAll().where('review_reason', 'is not', null).orderBy('created_at').execute();
      for (const p of rows) {
        process.stdout.write(`${p.id}\t${p.facility_id}\t${p.status}\t${p.review_reason}\t${p.amount_paise} paise\t${p.gateway}:${p.gateway_ref ?? '-'}\tsession ${p.session_id}\n`);
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

async function facilityCommand(db: ServerDb['db'], verb: string | undefined, rest: string[], opts: Record<string, string>): Promise<number | null> {
  const print = (f: FacilityView) => process.stdout.write(`${f.id}\t${f.name}\t${f.timeZone}\n`);
  if (verb === 'add' && rest.length >= 1) {
    print(await createFacility(db, systemClock, { name: rest.join(' '), timeZone: opts['time-zone'] ?? 'Asia/Kolkata', id: opts.id }));
    return 0;
  }
  if (verb === 'list' && rest.length === 0) {
    for (const f of await listFacilities(db)) print(f);
    return 0;
  }
  if (verb === 'rename' && rest.length >= 2) {
    print(await updateFacility(db, systemClock, rest[0]!, { name: rest.slice(1).join(' ') }));
    return 0;
  }
  if (verb === 'time-zone' && rest.length === 2) {
    print(await updateFacility(db, systemClock, rest[0]!, { timeZone: rest[1]! }));
    return 0;
  }
  return null;
}

async function merchantCommand(db: ServerDb['db'], verb: string | undefined, rest: string[], opts: Record<string, string>): Promise<number | null> {
  const [sub, ...words] = rest;
  if (verb === 'list' && rest.length === 0) {
    const facility = await resolveFacility(db, opts.facility);
    for (const m of await publishedMerchants(db, facility.id)) {
      process.stdout.write(`${m.id}\t${m.name}\t${m.prepaid === 1 ? 'prepaid' : 'billed'}\t${m.is_active === 1 ? 'active' : 'inactive'}\n`);
    }
    return 0;
  }
  if (verb !== 'token') return null;
  if (sub === 'add' && words.length >= 2) {
    const [merchantId, ...label] = words as [string, ...string[]];
    const { credential: c, token } = await issueMerchantCredential(db, systemClock, { merchantId, label: label.join(' '), facilityId: opts.facility });
    process.stdout.write(`credential id:  ${c.id}\nmerchant:       ${c.merchantId} (${c.merchantName})\nfacility:       ${c.facilityId}\nmerchant token: ${token}\n(give the token to the merchant now; it is not kept on the server)\n`);
    return 0;
  }
  if (sub === 'list' && words.length === 0) {
    for (const c of await listMerchantCredentials(db, { facilityId: opts.facility })) {
      process.stdout.write(`${c.id}\t${c.facilityId}\t${c.merchantName}\t${c.label}\t${c.revokedAt === null ? 'active' : `revoked ${c.revokedAt}`}\n`);
    }
    return 0;
  }
  if (sub === 'revoke' && words.length === 1) {
    const done = await revokeMerchantCredential(db, systemClock, words[0]!);
    process.stdout.write(done ? `revoked ${words[0]}\n` : `no active merchant credential ${words[0]}\n`);
    return done ? 0 : 1;
  }
  return null;
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const code = (err as { code?: unknown }).code;
    process.stderr.write(`server:cli: ${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message}\n`);
    process.exit(1);
  },
);
