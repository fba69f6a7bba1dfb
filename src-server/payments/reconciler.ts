/**
 * Reconciler: polls the gateway for PENDING payments on PhonePe's required schedule (the same
 * schedule for every gateway), and at the deadline closes the QR, checks status once more, and
 * only then marks the payment EXPIRED. Time comes only from the injected clock; `tick()` is the
 * whole job, so tests drive it directly and main.ts runs it on an interval.
 */
import type { PaymentRow } from '../db/schema.js';
import type { PaymentDeps } from './create.js';
import { recordHistory } from './history.js';
import { ingestEvent } from './ingest.js';
import { nextPollOffset } from './poll-schedule.js';

export interface TickReport {
  polled: number;
  expired: number;
  settled: number;
  errors: number;
}

export class Reconciler {
  private running = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly deps: PaymentDeps,
    private readonly batchSize = 50,
  ) {}

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.tick().catch((err: unknown) => this.deps.log.error({ err: (err as Error).message }, 'reconciler tick failed'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async tick(): Promise<TickReport> {
    const report: TickReport = { polled: 0, expired: 0, settled: 0, errors: 0 };
    if (this.running) return report;
    this.running = true;
    try {
      const now = this.deps.clock.now();
      const due = await this.deps.db
        .selectFrom('payments')
        .selectAll()
        .where('status', '=', 'PENDING')
        .where('gateway_ref', 'is not', null)
        .where((eb) => eb.or([eb('next_poll_at', '<=', now), eb('expires_at', '<=', now)]))
        .orderBy('next_poll_at')
        .limit(this.batchSize)
        .execute();
      for (const p of due) {
        try {
          if (p.expires_at <= now) {
            const status = await this.expire(p);
            if (status === 'EXPIRED') report.expired++;
            else report.settled++;
          } else {
            report.polled++;
            if (await this.poll(p)) report.settled++;
          }
        } catch (err) {
          report.errors++;
          this.deps.log.warn({ err: (err as Error).message, paymentId: p.id }, 'reconcile failed');
        }
      }
    } finally {
      this.running = false;
    }
    return report;
  }

  /** One scheduled status poll; true when it settled the payment. */
  private async poll(p: PaymentRow): Promise<boolean> {
    const gw = this.deps.gateways.get(p.gateway);
    let settled = false;
    if (gw && p.gateway_ref) {
      try {
        const evt = await gw.fetchStatus({ gatewayRef: p.gateway_ref, merchantRef: p.merchant_ref });
        if (evt.outcome === 'SUCCESS' || evt.outcome === 'FAILED') {
          const r = await ingestEvent(this.deps, evt, 'poll');
          settled = r.outcome === 'applied';
        }
      } catch (err) {
        this.deps.metrics.gatewayErrors.inc({ gateway: p.gateway, op: 'status' });
        this.deps.log.warn({ err: (err as Error).message, paymentId: p.id }, 'status poll failed');
      }
    }
    if (!settled) {
      const now = this.deps.clock.now();
      await this.deps.db
        .updateTable('payments')
        .set({ poll_count: p.poll_count + 1, next_poll_at: p.created_at + nextPollOffset(now - p.created_at), updated_at: now })
        .where('id', '=', p.id)
        .where('status', '=', 'PENDING')
        .execute();
    }
    return settled;
  }

  /** Deadline reached: close the QR, check status once more, then EXPIRED unless that check settled it. */
  async expire(p: PaymentRow): Promise<PaymentRow['status']> {
    const gw = this.deps.gateways.get(p.gateway);
    const refs = { gatewayRef: p.gateway_ref ?? '', merchantRef: p.merchant_ref };
    if (gw && p.gateway_ref) {
      try {
        await gw.close(refs);
      } catch (err) {
        this.deps.metrics.gatewayErrors.inc({ gateway: p.gateway, op: 'close' });
        this.deps.log.warn({ err: (err as Error).message, paymentId: p.id }, 'closing QR failed');
      }
      try {
        const evt = await gw.fetchStatus(refs);
        if (evt.outcome === 'SUCCESS' || evt.outcome === 'FAILED') {
          const r = await ingestEvent(this.deps, evt, 'poll');
          if (r.status && r.status !== 'PENDING') return r.status;
        }
      } catch (err) {
        this.deps.metrics.gatewayErrors.inc({ gateway: p.gateway, op: 'status' });
        this.deps.log.warn({ err: (err as Error).message, paymentId: p.id }, 'final status check failed');
      }
    }
    const clock = this.deps.clock;
    const final = await this.deps.db.transaction().execute(async (trx) => {
      const now = clock.now();
      const res = await trx
        .updateTable('payments')
        .set({ status: 'EXPIRED', closed_at: now, completed_at: now, next_poll_at: null, updated_at: now })
        .where('id', '=', p.id)
        .where('status', '=', 'PENDING')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        const cur = await trx.selectFrom('payments').select('status').where('id', '=', p.id).executeTakeFirstOrThrow();
        return cur.status;
      }
      await recordHistory(trx, clock, { paymentId: p.id, from: 'PENDING', to: 'EXPIRED', source: 'deadline' });
      this.deps.metrics.paymentTransitions.inc({ to: 'EXPIRED', source: 'deadline' });
      return 'EXPIRED' as const;
    });
    if (final === 'EXPIRED') this.deps.onPaymentChange?.(p.id); // push to the kiosk
    return final;
  }
}
