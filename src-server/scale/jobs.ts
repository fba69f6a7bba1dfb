/**
 * The periodic jobs of a server (payment reconciler with the expiry at the deadline, parker
 * booking sweep), run only while this instance is the jobs leader (leader.ts): exactly one
 * instance at a time on PostgreSQL, the one instance on SQLite.
 */
import type { ParkGateServer } from '../app.js';
import { startBookingSweep } from '../bookings/service.js';
import { PgLeader, SoloLeader, type JobLeader } from './leader.js';

export function jobLeaderFor(server: ParkGateServer): JobLeader {
  const { ctx } = server;
  return ctx.dbKind === 'postgres'
    ? new PgLeader({ url: ctx.config.databaseUrl, checkMs: ctx.config.leaderCheckMs, log: ctx.log })
    : new SoloLeader();
}

/** Starts the leader election and runs the jobs on this instance while it leads. Returns the stop function. */
export async function startPeriodicJobs(server: ParkGateServer, leader: JobLeader = jobLeaderFor(server)): Promise<() => Promise<void>> {
  const { ctx } = server;
  const { config } = ctx;
  let stopSweep: (() => void) | null = null;
  ctx.leader = leader;
  leader.onChange((leading) => {
    if (leading) {
      ctx.reconciler.start(config.reconcileIntervalMs);
      // publish/settle parker bookings with the gates (docs/sync.md "Parker bookings")
      stopSweep = startBookingSweep({
        payments: ctx.payments, reconciler: ctx.reconciler, get gates() { return ctx.syncEvents ?? null; },
        maxActivePerParker: config.maxActiveBookingsPerParker, holdMs: config.bookingHoldMinutes * 60_000,
      }, Math.max(1000, config.reconcileIntervalMs));
    } else {
      ctx.reconciler.stop();
      stopSweep?.();
      stopSweep = null;
    }
  });
  await leader.start();
  return () => leader.stop();
}
