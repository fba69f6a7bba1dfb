/** Row types of migrations/server/9960_pass_movements.ts (facility_id: 9982_pass_movement_facility.ts). */
import type { Generated } from 'kysely';

export interface PassMovementsServerTable {
  event_id: string;
  movement_id: string;
  pass_id: string;
  kiosk_id: string;
  direction: 'ENTRY' | 'EXIT' | 'RESET';
  session_id: string | null;
  hlc: string;
  status: 'OK' | 'FLAGGED';
  flag: 'ALREADY_IN' | 'NOT_IN' | null;
  received_at: number;
  facility_id: Generated<string>;
}

export interface PassServerTables {
  pass_movements: PassMovementsServerTable;
}
