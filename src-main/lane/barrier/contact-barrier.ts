/**
 * Pulse and hold over dry contacts (a relay on a USB board, a coil on a Modbus module), the same
 * whatever drives the contact. Commands run one at a time, so a release and a lower() never
 * interleave on the wire. In pulse mode raise() resolves once the closing is acknowledged (the
 * arm starts moving then) and the release follows `pulseMs` later; a release that fails (the
 * device dropped mid-pulse) is retried when the device is back, so a contact is never left
 * closed by a lost release.
 */
import type { BarrierMode } from '../../../src-shared/contracts/lane-devices.js';
import type { LaneLog } from '../device-health.js';
import type { BarrierPort } from '../ports.js';

export interface Contact {
  /** Close (true) or open (false) the contact; resolves when the device took the command. */
  set(closed: boolean): Promise<void>;
}

export interface ContactBarrierOptions {
  mode: BarrierMode;
  pulseMs: number;
  log: LaneLog;
}

export class ContactBarrier implements BarrierPort {
  private chain: Promise<unknown> = Promise.resolve();
  private releaseTimer: NodeJS.Timeout | null = null;
  private closeReleaseTimer: NodeJS.Timeout | null = null;
  /** Contacts whose release failed and must be opened once the device answers again. */
  private readonly pendingRelease = new Set<Contact>();
  private closed = false;

  constructor(
    private readonly open: Contact,
    private readonly closeContact: Contact | null,
    private readonly opts: ContactBarrierOptions,
  ) {}

  raise(): Promise<void> {
    return this.serial(async () => {
      await this.releaseCloseContactNow();
      this.cancelOpenRelease();
      await this.open.set(true);
      this.pendingRelease.delete(this.open);
      if (this.opts.mode === 'pulse') this.releaseTimer = this.scheduleRelease(this.open, this.opts.pulseMs);
    });
  }

  lower(): Promise<void> {
    return this.serial(async () => {
      this.cancelOpenRelease();
      await this.open.set(false);
      this.pendingRelease.delete(this.open);
      if (this.closeContact) {
        if (this.closeReleaseTimer) clearTimeout(this.closeReleaseTimer);
        this.closeReleaseTimer = null;
        await this.closeContact.set(true);
        this.closeReleaseTimer = this.scheduleRelease(this.closeContact, this.opts.pulseMs);
      }
    });
  }

  testPulse(ms = this.opts.pulseMs): Promise<void> {
    return this.serial(async () => {
      await this.releaseCloseContactNow();
      this.cancelOpenRelease();
      await this.open.set(true);
      this.releaseTimer = this.scheduleRelease(this.open, ms);
    });
  }

  /** Called by the driver when its device answers again: opens any contact whose release was lost. */
  deviceBack(): void {
    if (this.pendingRelease.size === 0) return;
    for (const c of [...this.pendingRelease]) {
      void this.serial(async () => {
        if (!this.pendingRelease.has(c)) return;
        await c.set(false);
        this.pendingRelease.delete(c);
        this.opts.log('info', 'barrier contact released after reconnect');
      }).catch(() => undefined);
    }
  }

  /** Stops timers; the driver's close() opens the contacts it can. */
  stop(): void {
    this.closed = true;
    this.cancelRelease();
  }

  /** The last queued command's settling, for close(). */
  idle(): Promise<void> {
    return this.chain.then(
      () => undefined,
      () => undefined,
    );
  }

  private scheduleRelease(contact: Contact, ms: number): NodeJS.Timeout {
    return setTimeout(() => {
      if (this.closed) return;
      void this.serial(() => contact.set(false)).catch((err: unknown) => {
        this.pendingRelease.add(contact);
        this.opts.log('error', 'barrier contact release failed; retried when the device is back', { error: String(err) });
      });
    }, ms);
  }

  private cancelOpenRelease(): void {
    if (this.releaseTimer) clearTimeout(this.releaseTimer);
    this.releaseTimer = null;
  }

  private cancelRelease(): void {
    this.cancelOpenRelease();
    if (this.closeReleaseTimer) clearTimeout(this.closeReleaseTimer);
    this.closeReleaseTimer = null;
  }

  /** Open and close contacts are never closed together: a raise cuts a close pulse short. */
  private async releaseCloseContactNow(): Promise<void> {
    if (!this.closeContact || !this.closeReleaseTimer) return;
    clearTimeout(this.closeReleaseTimer);
    this.closeReleaseTimer = null;
    await this.closeContact.set(false);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(fn, fn);
    this.chain = result.catch(() => undefined);
    return result;
  }
}
