/**
 * A barrier driven through a Hikvision camera or barrier controller's ISAPI:
 * `PUT /ISAPI/Parking/channels/<n>/barrierGate` with
 * `<BarrierGate><ctrlMode>open|close</ctrlMode></BarrierGate>`, HTTP digest auth, and the
 * device's `<ResponseStatus>` (statusCode 1 = OK) as the acknowledgement. The controller times
 * the arm itself, so raise() sends `open` and lower() sends `close` in either mode.
 *
 * HTTP has no connection to watch, so health comes from the commands and from a probe of
 * `GET /ISAPI/System/deviceInfo` (present on every ISAPI device) every PROBE_MS.
 */
import type { BarrierSettings } from '../../../src-shared/contracts/lane-devices.js';
import type { Clock } from '../../core/clock.js';
import { HealthCell, type LaneLog } from '../device-health.js';
import { DigestClient, HttpTimeoutError, type HttpReply } from '../http-digest.js';
import { CLOSE_WAIT_MS, waitAtMost } from '../modbus/link.js';
import { type BarrierPort, DeviceError } from '../ports.js';

type IsapiSettings = Extract<BarrierSettings, { driver: 'isapi' }>;

export const ISAPI_PROBE_MS = 5000;
/** While the controller is in fault it is probed this often, so it shows as back soon after it is. */
export const ISAPI_FAULT_PROBE_MS = 1000;

export function barrierGatePath(channel: number): string {
  return `/ISAPI/Parking/channels/${channel}/barrierGate`;
}

export function barrierGateXml(mode: 'open' | 'close'): string {
  return `<?xml version="1.0" encoding="UTF-8"?><BarrierGate><ctrlMode>${mode}</ctrlMode></BarrierGate>`;
}

function tag(xml: string, name: string): string | null {
  const m = new RegExp(`<${name}>\\s*([^<]*?)\\s*</${name}>`, 'i').exec(xml);
  return m ? m[1]! : null;
}

export class IsapiBarrier implements BarrierPort {
  readonly health: HealthCell;
  private readonly client: DigestClient | null;
  private readonly where: string;
  private probeTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly settings: IsapiSettings,
    private readonly deps: { clock: Clock; log: LaneLog },
  ) {
    this.where = `${settings.host}:${settings.port} channel ${settings.channel}`;
    this.health = new HealthCell('barrier', 'isapi', deps.clock, deps.log, this.where);
    this.client = settings.password
      ? new DigestClient({ host: settings.host, port: settings.port, username: settings.username, password: settings.password })
      : null;
  }

  start(): void {
    if (!this.client) {
      this.health.fault('NOT_CONFIGURED', 'No password is saved for the barrier controller. Enter it on the Lane devices screen.');
      return;
    }
    void this.probe().finally(() => this.scheduleProbe());
  }

  async close(): Promise<void> {
    this.stopped = true;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    // A command on the wire ends by its own timeout; close() does not wait for more than a moment.
    await waitAtMost(this.chain, CLOSE_WAIT_MS);
  }

  raise(): Promise<void> {
    return this.serial(() => this.command('open'));
  }

  lower(): Promise<void> {
    return this.serial(() => this.command('close'));
  }

  testPulse(): Promise<void> {
    return this.serial(() => this.command('open'));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const r = this.chain.then(fn, fn);
    this.chain = r.catch(() => undefined);
    return r;
  }

  private async command(mode: 'open' | 'close'): Promise<void> {
    try {
      const reply = await this.send('PUT', barrierGatePath(this.settings.channel), barrierGateXml(mode));
      this.check(reply, true);
      this.health.ok();
    } catch (err) {
      const e = this.classify(err);
      this.health.fault(e.reason, e.message);
      this.deps.log('warn', 'isapi barrier command failed', { where: this.where, mode, reason: e.reason });
      throw e;
    }
  }

  private async send(method: string, path: string, body?: string): Promise<HttpReply> {
    if (!this.client) throw new DeviceError('NOT_CONFIGURED', 'No password is saved for the barrier controller.');
    return this.client.request(method, path, {
      body,
      timeoutMs: this.settings.timeoutMs,
      headers: body ? { 'Content-Type': 'application/xml; charset="UTF-8"' } : {},
    });
  }

  /** A reply is good when it is 200 and, for a command, its ResponseStatus says OK. */
  private check(reply: HttpReply, command: boolean): void {
    if (reply.status === 401) {
      throw new DeviceError('DEVICE_EXCEPTION', `The barrier controller at ${this.where} refused the user name or password.`);
    }
    const code = tag(reply.body, 'statusCode');
    if (reply.status !== 200) {
      const what = tag(reply.body, 'subStatusCode') ?? tag(reply.body, 'statusString');
      if (what || code) throw new DeviceError('DEVICE_EXCEPTION', `The barrier controller at ${this.where} refused the command (HTTP ${reply.status}, ${what ?? `status ${code}`}).`);
      throw new DeviceError('BAD_REPLY', `The barrier controller at ${this.where} answered HTTP ${reply.status} without an ISAPI status.`);
    }
    if (!command) {
      if (!/<DeviceInfo[\s>]/.test(reply.body)) throw new DeviceError('BAD_REPLY', `The device at ${this.where} does not answer like an ISAPI device.`);
      return;
    }
    if (code === null) throw new DeviceError('BAD_REPLY', `The barrier controller at ${this.where} answered without an ISAPI ResponseStatus.`);
    if (code !== '1') {
      throw new DeviceError('DEVICE_EXCEPTION', `The barrier controller at ${this.where} refused the command (${tag(reply.body, 'subStatusCode') ?? tag(reply.body, 'statusString') ?? `status ${code}`}).`);
    }
  }

  private classify(err: unknown): DeviceError {
    if (err instanceof DeviceError) return err;
    if (err instanceof HttpTimeoutError) return new DeviceError('TIMEOUT', `The barrier controller at ${this.where} did not answer within ${this.settings.timeoutMs} ms.`);
    const code = (err as { code?: unknown }).code;
    return new DeviceError('DISCONNECTED', `Cannot reach the barrier controller at ${this.where} (${typeof code === 'string' ? code : String(err)}). Check its power, network cable and address.`);
  }

  private async probe(): Promise<void> {
    if (this.stopped) return;
    try {
      this.check(await this.send('GET', '/ISAPI/System/deviceInfo'), false);
      this.health.ok();
    } catch (err) {
      const e = this.classify(err);
      this.health.fault(e.reason, e.message);
    }
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    const every = this.health.get().state === 'ok' ? ISAPI_PROBE_MS : ISAPI_FAULT_PROBE_MS;
    this.probeTimer = setTimeout(() => void this.probe().finally(() => this.scheduleProbe()), every);
  }
}
