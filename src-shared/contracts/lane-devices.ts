/**
 * A lane's device settings: which driver moves the barrier and which reads the loop detectors,
 * with the address, contact numbers, pulse/hold mode and timeouts of each. Saved by the kiosk
 * (settings row `laneDevices`, the ISAPI password in the secret store) and edited on the Admin
 * "Lane devices" screen. The ISAPI password is write-only: what goes back to a screen is
 * `LaneDeviceSettingsView` (`passwordSet` instead of the password).
 *
 * Loops come only from a Modbus IO module: the CH340 "LCUS" USB relay boards are output-only
 * (they have no inputs to read), and an ISAPI barrier controller's loop state is not part of
 * the barrierGate API. A lane with a USB relay board and loop detectors wires the detectors to a
 * Modbus IO module (TCP or RTU); a lane with one Modbus module uses it for both.
 */
import { z } from 'zod';

export const BARRIER_DRIVERS = ['none', 'serial-relay', 'modbus-tcp', 'modbus-rtu', 'isapi'] as const;
export type BarrierDriver = (typeof BARRIER_DRIVERS)[number];
export const LOOP_DRIVERS = ['none', 'modbus-tcp', 'modbus-rtu'] as const;
export type LoopDriver = (typeof LOOP_DRIVERS)[number];

/**
 * pulse: the contact closes for `pulseMs` then opens (the barrier controller raises the arm and
 * closes it by itself, usually on its own safety loop or timer). hold: the contact stays closed
 * until lower() (the arm stays up while the contact is closed).
 */
export const BARRIER_MODES = ['pulse', 'hold'] as const;
export type BarrierMode = (typeof BARRIER_MODES)[number];

/** Standard RS-232/RS-485 rates; LCUS boards run at 9600 only, Modbus RTU modules are set by DIP switch or software. */
export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;
export const PARITIES = ['none', 'even', 'odd'] as const;
export const INPUT_POLARITIES = ['active-high', 'active-low'] as const;
export type InputPolarity = (typeof INPUT_POLARITIES)[number];

export const LANE_DEVICE_LIMITS = Object.freeze({
  /** Shorter than 100 ms and many barrier controllers miss the pulse; longer than 5 s is a hold. */
  pulseMs: { min: 100, max: 5000, default: 500 },
  /** How long a command waits for its reply before the device counts as timed out. */
  timeoutMs: { min: 100, max: 10_000, default: 1000 },
  /** A loop must hold its new level this long before it counts (detector relays chatter for a few ms). */
  debounceMs: { min: 0, max: 2000, default: 100 },
  /** How often the IO module's inputs are read; 50 ms sees a car at walking pace many times over. */
  pollMs: { min: 20, max: 2000, default: 50 },
  /** LCUS boards come with 1, 2, 4 or 8 relays. */
  relay: { min: 1, max: 8 },
  /** Modbus: 0 is broadcast (no reply), 1..247 are units; Modbus TCP gateways often ignore it. */
  unitId: { min: 0, max: 247, default: 1 },
  /** Coil and discrete-input numbers are 0-based protocol addresses (coil 00001 in a data sheet is 0). */
  address: { min: 0, max: 65_535 },
  isapiChannel: { min: 1, max: 64, default: 1 },
});

const L = LANE_DEVICE_LIMITS;
const int = (lim: { min: number; max: number }) => z.number().int().min(lim.min).max(lim.max);

/** A host name or IPv4/IPv6 literal, no scheme, no port, no path. */
const host = z
  .string()
  .trim()
  .min(1, 'Enter the device address')
  .max(253)
  .regex(/^(?:[A-Za-z0-9.-]+|[0-9A-Fa-f]*:[0-9A-Fa-f:]*:[0-9A-Fa-f.]*)$/, 'Address: a host name or IP address, without http:// or a port');
const tcpPort = (def: number) => z.number().int().min(1).max(65_535).default(def);
/** /dev/ttyUSB0, /dev/serial/by-id/..., COM3. */
const serialPath = z.string().trim().min(1, 'Enter the serial port (e.g. /dev/ttyUSB0 or COM3)').max(300);
const baudRate = z
  .number()
  .int()
  .refine((v) => (BAUD_RATES as readonly number[]).includes(v), 'Baud rate must be one of 1200 ... 115200')
  .default(9600);
const timeoutMs = int(L.timeoutMs).default(L.timeoutMs.default);
const mode = z.enum(BARRIER_MODES).default('pulse');
const pulseMs = int(L.pulseMs).default(L.pulseMs.default);
const address = int(L.address);
const unitId = int(L.unitId).default(L.unitId.default);

const rtuLine = {
  path: serialPath,
  baudRate,
  parity: z.enum(PARITIES).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
};
const tcpEndpoint = { host, port: tcpPort(502) };

const barrierTiming = { mode, pulseMs, timeoutMs };

export const barrierNoneSchema = z.object({ driver: z.literal('none') }).strict();

/** CH340 LCUS board: `A0 <relay> <01 close|00 open> <sum>` at 9600 8N1, no reply. */
export const barrierSerialRelaySchema = z
  .object({
    driver: z.literal('serial-relay'),
    path: serialPath,
    baudRate,
    /** The relay wired to the barrier's "open" input. */
    relay: int(L.relay).default(1),
    /** A second relay wired to the barrier's "close" input, pulsed by lower() (barriers with separate open/close inputs). */
    closeRelay: int(L.relay).nullable().default(null),
    ...barrierTiming,
  })
  .strict();

const modbusCoils = {
  unitId,
  /** The coil wired to the barrier's "open" input. */
  coil: address.default(0),
  /** A coil wired to the barrier's "close" input, pulsed by lower(). */
  closeCoil: address.nullable().default(null),
};

export const barrierModbusTcpSchema = z
  .object({ driver: z.literal('modbus-tcp'), ...tcpEndpoint, ...modbusCoils, ...barrierTiming })
  .strict();

export const barrierModbusRtuSchema = z
  .object({ driver: z.literal('modbus-rtu'), ...rtuLine, ...modbusCoils, ...barrierTiming })
  .strict();

/**
 * Hikvision ISAPI: `PUT /ISAPI/Parking/channels/<channel>/barrierGate` with HTTP digest auth.
 * raise() sends ctrlMode `open`, lower() sends `close`, in either mode: the controller times the
 * arm itself. `mode` tells the lane service whether the controller closes by itself (pulse) or
 * waits for the lane's lower() (hold). HTTP only (no TLS).
 */
export const barrierIsapiSchema = z
  .object({
    driver: z.literal('isapi'),
    host,
    port: tcpPort(80),
    channel: int(L.isapiChannel).default(L.isapiChannel.default),
    username: z.string().trim().min(1, 'Enter the device user name').max(64),
    /** Write-only: kept in the secret store, never returned to a screen. Omitted on save = keep the saved one. */
    password: z.string().max(128).optional(),
    mode,
    timeoutMs: int(L.timeoutMs).default(3000),
  })
  .strict();

export const barrierSettingsSchema = z.discriminatedUnion('driver', [
  barrierNoneSchema,
  barrierSerialRelaySchema,
  barrierModbusTcpSchema,
  barrierModbusRtuSchema,
  barrierIsapiSchema,
]);

/** One discrete input of the IO module. */
export const loopInputSchema = z
  .object({
    input: address,
    /** active-low: the detector's contact opens when a car is on the loop (fail-safe, normally-closed wiring). */
    polarity: z.enum(INPUT_POLARITIES).default('active-high'),
  })
  .strict();

const loopInputs = {
  unitId,
  arming: loopInputSchema.default({ input: 0, polarity: 'active-high' }),
  safety: loopInputSchema.default({ input: 1, polarity: 'active-high' }),
  /** Barrier-up feedback (a limit switch); null where none is wired. */
  barrierUp: loopInputSchema.nullable().default(null),
  debounceMs: int(L.debounceMs).default(L.debounceMs.default),
  pollMs: int(L.pollMs).default(L.pollMs.default),
  timeoutMs,
};

export const loopsNoneSchema = z.object({ driver: z.literal('none') }).strict();
export const loopsModbusTcpSchema = z.object({ driver: z.literal('modbus-tcp'), ...tcpEndpoint, ...loopInputs }).strict();
export const loopsModbusRtuSchema = z.object({ driver: z.literal('modbus-rtu'), ...rtuLine, ...loopInputs }).strict();

export const loopSettingsSchema = z.discriminatedUnion('driver', [loopsNoneSchema, loopsModbusTcpSchema, loopsModbusRtuSchema]);

export const laneDeviceSettingsSchema = z
  .object({
    barrier: barrierSettingsSchema.default({ driver: 'none' }),
    loops: loopSettingsSchema.default({ driver: 'none' }),
  })
  .strict()
  .superRefine((s, ctx) => {
    const b = s.barrier;
    const l = s.loops;
    if ((b.driver === 'serial-relay' && b.closeRelay === b.relay) || ((b.driver === 'modbus-tcp' || b.driver === 'modbus-rtu') && b.closeCoil === b.coil)) {
      ctx.addIssue({ code: 'custom', path: ['barrier'], message: 'The close contact must differ from the open contact' });
    }
    if (l.driver !== 'none') {
      const inputs = [l.arming.input, l.safety.input, ...(l.barrierUp ? [l.barrierUp.input] : [])];
      if (new Set(inputs).size !== inputs.length) {
        ctx.addIssue({ code: 'custom', path: ['loops'], message: 'Arming, safety and barrier-up must be different inputs' });
      }
    }
    // Two drivers on one serial line must agree on its speed and framing (they share one port).
    if (b.driver === 'modbus-rtu' && l.driver === 'modbus-rtu' && b.path === l.path && (b.baudRate !== l.baudRate || b.parity !== l.parity || b.stopBits !== l.stopBits)) {
      ctx.addIssue({ code: 'custom', path: ['loops', 'baudRate'], message: 'Barrier and loops on one RS-485 line need the same baud rate, parity and stop bits' });
    }
    if (b.driver === 'serial-relay' && l.driver === 'modbus-rtu' && b.path === l.path) {
      ctx.addIssue({ code: 'custom', path: ['loops', 'path'], message: 'The USB relay board and the Modbus line cannot share one serial port' });
    }
  });

/** What a caller sends (defaults may be left out). */
export type LaneDeviceSettingsInput = z.input<typeof laneDeviceSettingsSchema>;
/** What the kiosk keeps and the drivers are built from (every default filled in). */
export type LaneDeviceSettings = z.output<typeof laneDeviceSettingsSchema>;
export type BarrierSettings = LaneDeviceSettings['barrier'];
export type LoopSettings = LaneDeviceSettings['loops'];
export type LoopInputSettings = z.output<typeof loopInputSchema>;

export const DEFAULT_LANE_DEVICE_SETTINGS: LaneDeviceSettings = Object.freeze(laneDeviceSettingsSchema.parse({}));

/** The settings as a screen may see them: the ISAPI password replaced by whether one is saved. */
export type BarrierSettingsView =
  | Exclude<BarrierSettings, { driver: 'isapi' }>
  | (Omit<Extract<BarrierSettings, { driver: 'isapi' }>, 'password'> & { passwordSet: boolean });
export interface LaneDeviceSettingsView {
  barrier: BarrierSettingsView;
  loops: LoopSettings;
}

export function laneDeviceSettingsView(s: LaneDeviceSettings): LaneDeviceSettingsView {
  if (s.barrier.driver !== 'isapi') return { barrier: s.barrier, loops: s.loops };
  const { password, ...rest } = s.barrier;
  return { barrier: { ...rest, passwordSet: typeof password === 'string' && password.length > 0 }, loops: s.loops };
}

/**
 * Settings saved from a screen carry no password when the operator did not retype it: keep the
 * saved one if the barrier is still the same ISAPI device (same host), drop it otherwise, so a
 * password is never sent to a different host than it was entered for.
 */
export function keepSavedSecret(next: LaneDeviceSettings, saved: LaneDeviceSettings | null): LaneDeviceSettings {
  if (next.barrier.driver !== 'isapi' || next.barrier.password !== undefined) return next;
  const old = saved?.barrier;
  if (old?.driver === 'isapi' && old.host === next.barrier.host && old.password !== undefined) {
    return { ...next, barrier: { ...next.barrier, password: old.password } };
  }
  return next;
}
