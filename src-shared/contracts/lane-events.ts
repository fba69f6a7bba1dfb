/**
 * Payloads of the lane's outbox events. Each is a zod schema so the typed sync union
 * (src-shared/contracts/sync.ts) can include them as they are. The central server stores them
 * (it does not fold them into sessions): a supervisor's view of manual openings and vend
 * exceptions across gates reads them from there.
 */
import { z } from 'zod';
import { OPENING_CAUSES, OPENING_STATUSES, SNAPSHOT_MAX_CHARS, VEND_EXCEPTION_KINDS } from './lane.js';

const id = z.string().min(1).max(64);
const epochMs = z.number().int().min(0);

export const laneOpeningSnapshotSchema = z.object({
  id,
  kioskId: z.string().min(1).max(100),
  cause: z.enum(OPENING_CAUSES),
  basis: z.enum(['PAID', 'ZERO_DUE', 'PASS', 'VALIDATION']).nullable(),
  sessionId: id.nullable(),
  status: z.enum(OPENING_STATUSES),
  requestedAt: epochMs,
  raisedAt: epochMs.nullable(),
  closedAt: epochMs.nullable(),
  closeReason: z.string().max(40).nullable(),
  cars: z.number().int().min(0),
  operatorId: id.nullable(),
  shiftId: id.nullable(),
  supervisorId: id.nullable(),
  reasonCode: z.string().max(40).nullable(),
  reasonText: z.string().max(500).nullable(),
});
export type LaneOpeningSnapshot = z.infer<typeof laneOpeningSnapshotSchema>;

/** `lane.manualOpened`: a supervisor's manual opening, with the camera's still frame when there was one. */
export const laneManualOpenedPayload = z.object({
  opening: laneOpeningSnapshotSchema,
  snapshot: z.string().max(SNAPSHOT_MAX_CHARS).nullable(),
});

/** `lane.openingEnded`: an opening closed (with the cars that used it) or expired without being carried out. */
export const laneOpeningEndedPayload = z.object({ opening: laneOpeningSnapshotSchema });

/** `lane.exception`: a vend exception. */
export const laneExceptionPayload = z.object({
  exception: z.object({
    id,
    kioskId: z.string().min(1).max(100),
    kind: z.enum(VEND_EXCEPTION_KINDS),
    at: epochMs,
    openingId: id.nullable(),
    passId: id.nullable(),
    shiftId: id.nullable(),
    detail: z.string().max(500),
  }),
});

export const LANE_EVENT_PAYLOADS = {
  'lane.manualOpened': laneManualOpenedPayload,
  'lane.openingEnded': laneOpeningEndedPayload,
  'lane.exception': laneExceptionPayload,
} as const;
export type LaneEventType = keyof typeof LANE_EVENT_PAYLOADS;
export type LaneEventPayload<T extends LaneEventType> = z.infer<(typeof LANE_EVENT_PAYLOADS)[T]>;
