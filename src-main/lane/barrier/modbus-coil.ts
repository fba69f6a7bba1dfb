/**
 * A barrier on a coil of a Modbus relay/IO module, over TCP or RTU (RS-485): the protocol above
 * the link is the same (FC05 write single coil; FC01 read coils as a health probe), only the
 * link differs, so one driver serves both `modbus-tcp` and `modbus-rtu`.
 *
 * Health: the link's state, the last command's outcome, and a probe every PROBE_MS while idle,
 * so a module that died between two cars shows on screen before the next car is refused.
 */
import type { BarrierSettings } from '../../../src-shared/contracts/lane-devices.js';
import type { Clock } from '../../core/clock.js';
import { HealthCell, type LaneLog } from '../device-health.js';
import { CLOSE_WAIT_MS, type ModbusLink, waitAtMost } from '../modbus/link.js';
import { type BarrierPort, DeviceError } from '../ports.js';
import { type Contact, ContactBarrier } from './contact-barrier.js';

type CoilSettings = Extract<BarrierSettings, { driver: 'modbus-tcp' | 'modbus-rtu' }>;

export const PROBE_MS = 2000;

export class ModbusCoilBarrier implements BarrierPort {
  readonly health: HealthCell;
  private readonly contacts: ContactBarrier;
  private probeTimer: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly settings: CoilSettings,
    private readonly link: ModbusLink,
    deps: { clock: Clock; log: LaneLog },
  ) {
    const contact = (coil: number): Contact => ({ set: (closed) => this.command(coil, closed) });
    this.contacts = new ContactBarrier(contact(settings.coil), settings.closeCoil === null ? null : contact(settings.closeCoil), {
      mode: settings.mode,
      pulseMs: settings.pulseMs,
      log: deps.log,
    });
    this.health = new HealthCell('barrier', settings.driver, deps.clock, deps.log, `${link.where} unit ${settings.unitId} coil ${settings.coil}`);
  }

  raise(): Promise<void> {
    return this.contacts.raise();
  }

  lower(): Promise<void> {
    return this.contacts.lower();
  }

  testPulse(ms?: number): Promise<void> {
    return this.contacts.testPulse(ms);
  }

  start(): void {
    this.unsubscribe = this.link.onState((state, error) => {
      if (state === 'up') void this.probe();
      else if (state === 'down' && error) this.health.fault(error.reason, error.message);
    });
    if (this.link.state === 'up') void this.probe();
    this.scheduleProbe();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.contacts.stop();
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.unsubscribe?.();
    await waitAtMost(this.contacts.idle(), CLOSE_WAIT_MS);
  }

  private async command(coil: number, closed: boolean): Promise<void> {
    try {
      // Urgent: a barrier command goes ahead of the loop polls waiting for the line.
      await this.link.request(this.settings.unitId, this.settings.timeoutMs, (c) => c.writeCoil(coil, closed), true);
      this.health.ok();
    } catch (err) {
      const e = err instanceof DeviceError ? err : new DeviceError('BAD_REPLY', String(err));
      this.health.fault(e.reason, e.message);
      throw e;
    }
  }

  private async probe(): Promise<void> {
    if (this.stopped || this.link.state !== 'up') return;
    try {
      const r = await this.link.request(this.settings.unitId, this.settings.timeoutMs, (c) => c.readCoils(this.settings.coil, 1));
      if (!Array.isArray(r.data) || typeof r.data[0] !== 'boolean') throw new DeviceError('BAD_REPLY', `The Modbus device at ${this.link.where} answered a coil read without the coil.`);
      this.health.ok();
      this.contacts.deviceBack();
    } catch (err) {
      const e = err instanceof DeviceError ? err : new DeviceError('BAD_REPLY', String(err));
      this.health.fault(e.reason, e.message);
    }
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    this.probeTimer = setTimeout(() => {
      void this.probe().finally(() => this.scheduleProbe());
    }, PROBE_MS);
  }
}
