/** One input of the session fold (fold.ts): a stored event with the snapshots it carries. */
import type { PaymentSnap, SessionSnap, VehicleSnap } from '../../src-shared/contracts/sync.js';

export interface FoldEvent {
  id: string;
  hlc: string;
  kioskId: string;
  type: string;
  session: SessionSnap | null;
  payment: PaymentSnap | null;
  vehicle: VehicleSnap | null;
  /** Type-specific fields (slotMoved: slot_id; vehicleClash: vehicle_number; conflictResolved: resolution). */
  extra: Record<string, unknown>;
}
