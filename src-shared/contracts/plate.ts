/** Finding a car by its plate at the exit (gate.findByPlate, lane.plateRead). */
import type { PlateMatch } from '../domain/plate-match.js';

export interface PlateCandidate {
  sessionId: string;
  vehicleNumber: string;
  /** EXACT: the stored plate; NEAR: only look-alike characters differ (O/0, I/1, ...). */
  match: Exclude<PlateMatch, null>;
  zoneName: string;
  slotNumber: string;
  entryAt: string;
}

export interface PlateCandidates {
  plate: string;
  candidates: PlateCandidate[];
  /** The one session the plate names without asking (exactly one candidate, an exact match); else null. */
  unique: string | null;
}

/** A camera's plate read (lane.plateRead): what a plate camera integration feeds the kiosk. */
export interface PlateReadResult extends PlateCandidates {
  confidence: number;
  /** Below the confidence the kiosk trusts, the cashier confirms even a unique match. */
  needsConfirmation: boolean;
}

/** Reads at or above this confidence may be used without the cashier confirming the plate. */
export const PLATE_READ_TRUSTED_CONFIDENCE = 0.9;

/** What the cashier saw that proves a car without a ticket is the driver's (gate.lostTicket). */
export const LOST_TICKET_PROOFS = ['RC', 'DRIVING_LICENCE', 'PHOTO_ID', 'OTHER'] as const;
export type LostTicketProof = (typeof LOST_TICKET_PROOFS)[number];
