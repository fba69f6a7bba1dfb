/**
 * What the update policy needs to know about the gate, kept by the main process:
 * - last operator activity (keyboard/mouse/touch input in the window, or an API call);
 * - sessions mid-payment, folded from the core's events (EXITING sessions, PENDING payments);
 * - open cash shifts, asked from the core when it offers `activity()` (a main-process-only
 *   method, not part of the renderer API). If the core does not offer it, the count is unknown
 *   and the policy waits.
 */
import type { KioskEvent } from '../../src-shared/contracts/api.js';
import type { KioskActivitySnapshot } from './updater.js';

export interface CoreActivity {
  sessionsMidPayment: number;
  openCashShifts: number;
}

export interface ActivitySource {
  activity?: () => Promise<CoreActivity>;
}

export class ActivityTracker {
  private lastActivityAt: number | null = null;
  /** sessionId -> when it went EXITING */
  private readonly exitingSessions = new Map<string, number>();
  /** paymentId -> { sessionId, since } */
  private readonly pendingPayments = new Map<string, { sessionId: string; since: number }>();

  constructor(
    private readonly core: ActivitySource,
    private readonly opts: {
      now?: () => number;
      supervisorConsent?: () => boolean;
      /** An EXITING session / PENDING payment older than this is abandoned (default 30 min). */
      staleMs?: number;
    } = {},
  ) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  markActivity(): void {
    this.lastActivityAt = this.now();
  }

  onEvent(e: KioskEvent): void {
    if (e.type === 'session.changed') {
      if (e.status === 'EXITING') this.exitingSessions.set(e.sessionId, this.now());
      else this.exitingSessions.delete(e.sessionId);
    } else if (e.type === 'payment.changed') {
      if (e.status === 'PENDING') this.pendingPayments.set(e.paymentId, { sessionId: e.sessionId, since: this.now() });
      else this.pendingPayments.delete(e.paymentId);
    }
  }

  /** Sessions mid-payment as seen from events alone. */
  eventMidPayment(): number {
    const cutoff = this.now() - (this.opts.staleMs ?? 30 * 60_000);
    const ids = new Set<string>();
    for (const [sid, since] of this.exitingSessions) if (since >= cutoff) ids.add(sid);
    for (const p of this.pendingPayments.values()) if (p.since >= cutoff) ids.add(p.sessionId);
    return ids.size;
  }

  async snapshot(): Promise<KioskActivitySnapshot> {
    let sessionsMidPayment: number | null = this.eventMidPayment();
    let openCashShifts: number | null = null;
    if (typeof this.core.activity === 'function') {
      try {
        const a = await this.core.activity();
        sessionsMidPayment = Math.max(a.sessionsMidPayment, sessionsMidPayment);
        openCashShifts = a.openCashShifts;
      } catch {
        sessionsMidPayment = null;
      }
    }
    return {
      sessionsMidPayment,
      openCashShifts,
      supervisorConsent: this.opts.supervisorConsent?.() ?? false,
      lastActivityAt: this.lastActivityAt,
    };
  }
}
