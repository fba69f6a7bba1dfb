/**
 * One worker process of the scale bench (tests/bench/scale-bench.ts): simulates a slice of the
 * kiosks. Each kiosk long-polls the change log without pause (pull, apply nothing, pull again
 * from the new cursor) and pushes at the stated rate: one event every `pushEveryMs` on average
 * (random phase), a walk-in ticket and, at its next push, that car's exit. Kiosk j talks to
 * server URL j mod n (what a balancer spreading kiosks over the instances does). Propagation:
 * from the start of a push by one of this worker's kiosks to the moment each other gate of its
 * facility in this worker has pulled the change (one sample per receiving gate, one clock: this
 * process). In the
 * saturation phase `saturators` kiosks push back to back. Prints one JSON line with the counts.
 * Input: the JSON in SCALE_WORKER (see WorkerInput).
 */
import { randomUUID } from 'node:crypto';
import { SignedClient } from '../../src-main/online/signed-client.js';
import { SYNC_PROTOCOL_VERSION } from '../../src-shared/contracts/sync.js';

export interface WorkerInput {
  urls: string[];
  /** `facility`: the index of the kiosk's facility (its changes reach only that facility's gates). */
  kiosks: { id: string; secret: string; index: number; facility: number }[];
  steadyMs: number;
  saturateMs: number;
  saturators: number;
  pushEveryMs: number;
  pullWaitMs: number;
}

const input = JSON.parse(process.env.SCALE_WORKER ?? '{}') as WorkerInput;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface SimKiosk {
  id: string;
  facility: number;
  http: SignedClient;
  seq: number;
  open: { id: string; plate: string } | null;
  cursor: number;
  /** A push that failed: sent again, unchanged, as a kiosk's outbox does (a new event at its sequence number would be SEQ_REUSED if the server had stored it). */
  unsent: ReturnType<typeof nextEvent> | null;
}

const kiosks: SimKiosk[] = input.kiosks.map((k) => ({
  id: k.id, facility: k.facility, seq: 0, open: null, cursor: 0, unsent: null,
  http: new SignedClient({ baseUrl: input.urls[k.index % input.urls.length]!, kioskId: k.id, kioskSecret: k.secret, now: () => Date.now() }),
}));
/** A push still to be seen: when it started and the gates of its facility in this process that have not pulled it yet. */
const sentAt = new Map<string, { t0: number; waiting: Set<SimKiosk> }>();
const byFacility = new Map<number, SimKiosk[]>();
for (const k of kiosks) byFacility.set(k.facility, [...(byFacility.get(k.facility) ?? []), k]);
const propagation: number[] = [];
/** ms from a steady push's start to its answer (the commit): the part of propagation before any pull can see it. */
const pushMs: number[] = [];
const counts = { pushes: 0, pushErrors: 0, pulls: 0, pullErrors: 0, entries: 0, satPushes: 0 };
/** Failed requests by what failed (the first words of the error): the table says why, not just how many. */
const errorKinds: Record<string, number> = {};
function countError(what: 'push' | 'pull', err: unknown): void {
  const e = err as { name?: string; code?: string; message?: string };
  const kind = `${what}: ${e.code ?? e.name ?? 'Error'} ${String(e.message ?? '').slice(0, 60)}`;
  errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
}
let phase: 'steady' | 'saturate' | 'done' = 'steady';

const zoneId = randomUUID();

function snapshot(k: SimKiosk, sessionId: string, status: 'PARKED' | 'COMPLETED', at: number, entryAt: number) {
  return {
    id: sessionId, code: `BENCH-${sessionId}`, vehicle_id: sessionId, zone_id: zoneId, slot_id: sessionId, status,
    booked_at: entryAt, entry_at: entryAt, exit_at: status === 'COMPLETED' ? at : null, quote_amount_paise: status === 'COMPLETED' ? 0 : null,
    quoted_at: status === 'COMPLETED' ? at : null, quote_valid_until: null, amount_due_paise: status === 'COMPLETED' ? 0 : null, amount_paid_paise: 0,
    last_paid_at: null, lost_ticket: 0, conflict: 0, conflict_reason: null, origin_kiosk_id: k.id, created_by: null, created_at: entryAt, updated_at: at, overflow: 0,
  };
}

const hlc = (k: SimKiosk, at: number) => `${String(at).padStart(15, '0')}-${String(k.seq).padStart(6, '0')}-${k.id}`;

/** The next event of this kiosk: a walk-in, or the exit of its car. */
function nextEvent(k: SimKiosk) {
  const now = Date.now();
  k.seq++;
  if (!k.open) {
    const id = randomUUID();
    k.open = { id, plate: `BN${k.id.slice(0, 6)}${k.seq}` };
    return { entityId: id, event: {
      id: randomUUID(), seq: k.seq, hlc: hlc(k, now), type: 'session.ticketIssued', entityId: id, schemaVersion: 1, createdAt: now,
      payload: { session: snapshot(k, id, 'PARKED', now, now), payment: null, operatorId: null }, vehicle: { vehicle_number: k.open.plate, owner_name: null },
    } };
  }
  const { id, plate } = k.open;
  k.open = null;
  return { entityId: id, event: {
    id: randomUUID(), seq: k.seq, hlc: hlc(k, now), type: 'session.completed', entityId: id, schemaVersion: 1, createdAt: now,
    payload: { session: snapshot(k, id, 'COMPLETED', now, now - 1000), payment: null, operatorId: null }, vehicle: { vehicle_number: plate, owner_name: null },
  } };
}

async function push(k: SimKiosk, saturating: boolean): Promise<void> {
  const resend = k.unsent;
  const { entityId, event } = resend ?? nextEvent(k);
  k.unsent = null;
  const t0 = Date.now();
  // Propagation counts from the first attempt of a resent push.
  if (!saturating && !resend) {
    const others = (byFacility.get(k.facility) ?? []).filter((o) => o !== k);
    if (others.length) sentAt.set(entityId + event.type, { t0, waiting: new Set(others) });
  }
  try {
    await k.http.request('POST', '/sync/v1/push', { events: [event], clientTime: t0, protocolVersion: SYNC_PROTOCOL_VERSION }, { timeoutMs: 10_000 }); // bounded: the bench must end in its time
    if (saturating) counts.satPushes++;
    else {
      counts.pushes++;
      pushMs.push(Date.now() - t0);
    }
  } catch (err) {
    countError('push', err);
    counts.pushErrors++;
    k.unsent = { entityId, event };
  }
}

async function pullLoop(k: SimKiosk): Promise<void> {
  while (phase !== 'done') {
    try {
      const r = await k.http.request('GET', `/sync/v1/pull?after=${k.cursor}&limit=1000&wait=${input.pullWaitMs}&v=${SYNC_PROTOCOL_VERSION}`, undefined, { timeoutMs: input.pullWaitMs + 30_000 }) as {
        changes: { seq: number; entityId: string; data: { events?: { type: string }[]; session?: { status: string } } }[]; cursor: number;
      };
      counts.pulls++;
      counts.entries += r.changes.length;
      k.cursor = r.cursor;
      const now = Date.now();
      for (const c of r.changes) {
        const status = c.data.session?.status;
        const key = c.entityId + (status === 'COMPLETED' ? 'session.completed' : 'session.ticketIssued');
        const sent = sentAt.get(key);
        if (!sent?.waiting.delete(k)) continue;
        propagation.push(now - sent.t0);
        if (sent.waiting.size === 0) sentAt.delete(key);
      }
    } catch (err) {
      countError('pull', err);
      counts.pullErrors++;
      await sleep(200);
    }
  }
}

const steadyEnd = Date.now() + input.steadyMs;
/** Sleeps `ms`, but never past the end of the steady phase. */
const steadySleep = (ms: number) => sleep(Math.max(0, Math.min(ms, steadyEnd - Date.now())));

async function pushLoop(k: SimKiosk): Promise<void> {
  // Exponential gaps around the mean (Poisson arrivals: cars come at random, not like a metronome);
  // the first gap is one too, so the kiosks start out of step.
  const gap = () => -Math.log(1 - Math.random()) * input.pushEveryMs;
  await steadySleep(gap());
  while (phase === 'steady' && Date.now() < steadyEnd) {
    const t = Date.now();
    await push(k, false);
    await steadySleep(gap() - (Date.now() - t));
  }
}

async function main(): Promise<void> {
  const pulls = kiosks.map((k) => pullLoop(k));
  const pushes = kiosks.map((k) => pushLoop(k));
  await sleep(Math.max(0, steadyEnd - Date.now()));
  phase = 'saturate';
  await Promise.all(pushes);
  const satStart = Date.now();
  const satEnd = satStart + input.saturateMs;
  await Promise.all(kiosks.slice(0, input.saturators).map(async (k) => {
    while (Date.now() < satEnd) await push(k, true);
  }));
  const satMs = Date.now() - satStart;
  phase = 'done';
  let unseen = 0;
  for (const s of sentAt.values()) unseen += s.waiting.size;
  const cpu = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ ...counts, satMs, propagation, pushMs, unseen, errorKinds, cpuS: (cpu.user + cpu.system) / 1e6 })}\n`);
  // Pulls still waiting end with the process.
  void pulls;
  process.exit(0);
}

void main();
