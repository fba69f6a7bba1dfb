/**
 * Manual opening: a supervisor's username + PIN (checked here, whoever is logged in at the
 * kiosk), a reason code from the lane's list (free text required for OTHER) and the kiosk
 * camera's still frame. Recorded as an opening with cause MANUAL, audited as `gate.manualOpen`
 * (the daily report lists those), synced as `lane.manualOpened`, linked to the open cash shift
 * (the Z report lists it).
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import { OTHER_REASON, type LaneOpening } from '../../src-shared/contracts/lane.js';
import { newId } from '../core/ids.js';
import { verifySupervisor } from '../services/supervisor-auth.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { openingRow, openingSnapshot, toOpenings } from './openings.js';

export interface ManualOpenInput {
  supervisorUsername: string;
  supervisorPin: string;
  reasonCode: string;
  reasonText?: string | undefined;
  snapshot?: string | undefined;
}

const JPEG_DATA_URL = /^data:image\/jpeg;base64,([A-Za-z0-9+/]+={0,2})$/;

/** A JPEG data URL whose bytes really start like a JPEG (FF D8 FF); anything else is refused, not stored. */
export function checkSnapshot(snapshot: string): void {
  const m = JPEG_DATA_URL.exec(snapshot);
  const bytes = m ? Buffer.from(m[1]!.slice(0, 8), 'base64') : null;
  if (!bytes || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) {
    throw new AppError('VALIDATION_FAILED', 'The camera still must be a JPEG image (data:image/jpeg;base64,...).');
  }
}

const SUPERVISOR_CHECK = {
  refusedAction: 'lane.manualOpenRefused',
  wrongMessage: 'Wrong supervisor username or PIN. The barrier stays closed.',
  roleMessage: 'A manual opening needs a supervisor (or admin) PIN.',
};

export function manualOpen(ctx: ServiceContext, actor: Actor, input: ManualOpenInput): LaneOpening {
  if (!ctx.lane.configured()) throw new AppError('CONFLICT', 'No barrier is configured at this lane. An admin sets it up under Admin > Lane devices.');
  const config = ctx.lane.currentConfig();
  const code = input.reasonCode.trim().toUpperCase();
  if (!config.manualReasons.includes(code)) {
    throw new AppError('VALIDATION_FAILED', `Pick a reason from the list (${config.manualReasons.join(', ')}).`, { allowed: config.manualReasons });
  }
  const text = input.reasonText?.trim() || null;
  if (code === OTHER_REASON && (!text || text.length < 3)) throw new AppError('VALIDATION_FAILED', 'For "Other", write the reason (3 characters or more).');
  if (input.snapshot) checkSnapshot(input.snapshot);
  const supervisor = verifySupervisor(ctx, input.supervisorUsername, input.supervisorPin, SUPERVISOR_CHECK);
  const openingId = ctx.store.q.tx(() => {
    const id = newId(ctx.clock);
    ctx.lane.manualOpeningGiven({
      cause: { kind: 'MANUAL', openingId: id },
      operatorId: actor.operatorId,
      manual: { supervisorId: supervisor.id, reasonCode: code, reasonText: text, snapshot: input.snapshot ?? null },
    });
    ctx.audit.append({
      operatorId: actor.operatorId, action: 'gate.manualOpen', entityType: 'lane', entityId: id,
      details: { reason: text ? `${code}: ${text}` : code, reasonCode: code, reasonText: text, supervisor: supervisor.username, snapshot: Boolean(input.snapshot) },
    });
    const row = openingRow(ctx, id)!;
    ctx.outbox.append('lane.manualOpened', id, { opening: openingSnapshot(row), snapshot: row.snapshot });
    return id;
  });
  return toOpenings(ctx, [openingRow(ctx, openingId)!])[0]!;
}

/** The still frame of an opening, for a supervisor's review. */
export function openingSnapshotImage(ctx: ServiceContext, openingId: string): { openingId: string; dataUrl: string } {
  const row = openingRow(ctx, openingId);
  if (!row) throw new AppError('NOT_FOUND', 'No such opening.');
  if (!row.snapshot) throw new AppError('NOT_FOUND', 'This opening has no camera still.');
  return { openingId, dataUrl: row.snapshot };
}
