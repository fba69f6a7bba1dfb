/**
 * What the screens and the API see of the lane: its rules settings, its live status (barrier,
 * loops, devices, occupancy), openings and vend exceptions. The device settings themselves are in
 * lane-devices.ts; the events the lane syncs are in lane-events.ts.
 */
import { z } from 'zod';
import type { DeviceHealth } from './devices.js';
import type { LaneDeviceSettingsView } from './lane-devices.js';

/** Which causes this kiosk's barrier answers: an entry lane opens for accepted entries, an exit lane for allowed exits. */
export const LANE_ROLES = ['entry', 'exit', 'both'] as const;
export type LaneRole = (typeof LANE_ROLES)[number];

export const OPENING_CAUSES = ['ENTRY_ACCEPTED', 'EXIT_ALLOWED', 'MANUAL'] as const;
export type OpeningCause = (typeof OPENING_CAUSES)[number];
export const OPENING_STATUSES = ['PENDING', 'OPEN', 'CLOSED', 'EXPIRED'] as const;
export type OpeningStatus = (typeof OPENING_STATUSES)[number];

/** OTHER is always offered and needs free text. */
export const OTHER_REASON = 'OTHER';
export const DEFAULT_MANUAL_REASONS = ['BARRIER_FAULT', 'TICKET_UNREADABLE', 'EMERGENCY_VEHICLE', 'STAFF_VEHICLE', OTHER_REASON] as const;

export const VEND_EXCEPTION_KINDS = ['TAILGATE', 'PASS_WITHOUT_OPENING', 'OPENING_WITHOUT_CAR', 'BARRIER_HELD_UP'] as const;
export type VendExceptionKind = (typeof VEND_EXCEPTION_KINDS)[number];

/** The camera's still frame of a manual opening: a JPEG data URL, at most this many characters (a 320x240 still at JPEG quality 0.6 is 10-25 kB; the bridge caps a request at 64 KiB). */
export const SNAPSHOT_MAX_CHARS = 48_000;

/** A reason code: 2 to 40 letters, digits or _ (shown translated when the screens know it, else as written). */
export const REASON_CODE_MAX = 40;
export const MANUAL_REASONS_MAX = 30;
const reasonCode = z
  .string()
  // A huge string is refused before it is trimmed or upper-cased.
  .max(REASON_CODE_MAX + 20, `A reason code is at most ${REASON_CODE_MAX} characters`)
  .trim()
  .toUpperCase()
  .pipe(z.string().regex(/^[A-Z0-9_]{2,40}$/, `Reason codes: 2 to ${REASON_CODE_MAX} letters, digits or _`));

/** Each lane timing with its limits, in the unit its name says; the Admin screen shows the same limits. */
export const LANE_TIMING_LIMITS = {
  carWaitSeconds: { min: 5, max: 600 },
  noCarCloseSeconds: { min: 5, max: 600 },
  pendingExpiryMinutes: { min: 1, max: 24 * 60 },
  heldUpSeconds: { min: 5, max: 3600 },
  tailgateWindowSeconds: { min: 1, max: 120 },
} as const;
export type LaneTimingKey = keyof typeof LANE_TIMING_LIMITS;
export const LANE_TIMING_KEYS = Object.keys(LANE_TIMING_LIMITS) as LaneTimingKey[];

const timing = (k: LaneTimingKey) => {
  const { min, max } = LANE_TIMING_LIMITS[k];
  return z.number().int(`${k} must be a whole number`).min(min, `${k} is at least ${min}`).max(max, `${k} is at most ${max}`).optional();
};

/** A change to the lane's rules settings: every field optional, each with its limits. */
export const laneConfigPatchSchema = z
  .object({
    role: z.enum(LANE_ROLES).optional(),
    carWaitSeconds: timing('carWaitSeconds'),
    noCarCloseSeconds: timing('noCarCloseSeconds'),
    pendingExpiryMinutes: timing('pendingExpiryMinutes'),
    heldUpSeconds: timing('heldUpSeconds'),
    tailgateWindowSeconds: timing('tailgateWindowSeconds'),
    manualReasons: z
      .array(reasonCode)
      .min(1, 'Give at least one manual-opening reason')
      .max(MANUAL_REASONS_MAX, `At most ${MANUAL_REASONS_MAX} manual-opening reasons, Other included`)
      .refine((list) => new Set(list).size === list.length, 'Each manual-opening reason may appear only once')
      .refine((list) => new Set([...list, OTHER_REASON]).size <= MANUAL_REASONS_MAX, `At most ${MANUAL_REASONS_MAX} manual-opening reasons, Other included`)
      .optional(),
  })
  .strict();
export type LaneConfigPatch = z.output<typeof laneConfigPatchSchema>;

export interface LaneConfig {
  role: LaneRole;
  /** How long a cause waits for a car on the arming loop. */
  carWaitSeconds: number;
  /** A raised barrier with no car closes after this. */
  noCarCloseSeconds: number;
  /** An opening asked for while the devices are down is kept this long. */
  pendingExpiryMinutes: number;
  /** The barrier up while it should be down this long is "held up". */
  heldUpSeconds: number;
  /** A car through this soon after an opening closed is that opening's tailgater. */
  tailgateWindowSeconds: number;
  /** Manual-opening reason codes offered to the supervisor (OTHER always included). */
  manualReasons: string[];
}

export interface LaneOpening {
  id: string;
  kioskId: string;
  cause: OpeningCause;
  basis: 'PAID' | 'ZERO_DUE' | 'PASS' | 'VALIDATION' | null;
  sessionId: string | null;
  vehicleNumber: string | null;
  status: OpeningStatus;
  requestedAt: string;
  raisedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  cars: number;
  operatorName: string | null;
  supervisorName: string | null;
  reasonCode: string | null;
  reasonText: string | null;
  hasSnapshot: boolean;
}

export interface VendException {
  id: string;
  kind: VendExceptionKind;
  at: string;
  /** The lane (kiosk) it happened at. */
  kioskId: string;
  openingId: string | null;
  cause: OpeningCause | null;
  sessionId: string | null;
  vehicleNumber: string | null;
  shiftId: string | null;
  /** The cashier whose shift was open at the lane then. */
  shiftOperatorName?: string | null;
  detail: string;
  /** The opening's still frame exists (fetch it with lane.snapshot). */
  hasSnapshot: boolean;
}

export interface ZoneOccupancy {
  zoneId: string;
  zoneName: string;
  capacity: number;
  /** Open sessions in the zone (booked, parked, exiting; overflow included): counted from the sessions. */
  occupied: number;
  free: number;
  full: boolean;
}

export interface LaneStatus {
  kioskId: string;
  role: LaneRole;
  /** False when no barrier driver is configured (the screen's "gate open" banner is all there is). */
  configured: boolean;
  /** Barrier and loop devices answering (or not configured). */
  ready: boolean;
  barrier: 'UP' | 'DOWN';
  /** A barrier command not yet carried out by the device (it is retried when the device answers). */
  commandPending: 'UP' | 'DOWN' | null;
  loops: { arming: boolean; safety: boolean; barrierUp: boolean | null } | null;
  devices: DeviceHealth[];
  current: LaneOpening | null;
  pending: LaneOpening[];
  occupancy: ZoneOccupancy[];
  /** Today (local day) at this lane: cars the loops counted against openings. */
  today: { date: string; passes: number; matchedPasses: number; unmatchedPasses: number; openings: number; openingsWithoutCar: number; exceptions: number };
  /** The loops counted a different number of cars than the openings account for today. */
  loopMismatch: boolean;
  /** The reason codes a manual opening may give here. */
  manualReasons: string[];
}

export interface LaneSettingsView {
  config: LaneConfig;
  devices: LaneDeviceSettingsView;
}

export interface LaneTestResult {
  ok: boolean;
  ms: number;
  error: string | null;
}
