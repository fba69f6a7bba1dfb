/** Row types of the sync tables (migrations/server/9000_sync.ts). */
import type { Kysely } from 'kysely';
import type { StoredEventColumns } from '../../src-shared/contracts/sync.js';
import type { SlotsTable, ZonesTable } from '../db/schema.js';
import type { ValidationServerTables } from '../validations/schema.js';
import type { PassServerTables } from '../passes/schema.js';

export interface SyncCounterTable { id: number; seq: number; server_seq: number; hlc: string }
export interface SyncKiosksTable {
  kiosk_id: string;
  /** The kiosk's facility (migrations/server/9980): its pulls read only that facility's change log. */
  facility_id: string;
  last_seq: number;
  cursor: number;
  last_push_at: number | null;
  last_pull_at: number | null;
  clock_offset_ms: number | null;
}
/** One event as a kiosk pushed it (its wire columns: src-shared/contracts/sync.ts), or a server decision. */
export interface SyncEventsTable extends StoredEventColumns {
  facility_id: string;
  outcome: string;
  error: string | null;
  received_at: number;
}
export interface SyncChangesTable {
  facility_id: string;
  seq: number;
  entity_type: string;
  entity_id: string;
  origin_kiosk_id: string | null;
  data: string;
  created_at: number;
}
export interface SyncSessionsTable {
  facility_id: string;
  id: string;
  zone_id: string;
  slot_id: string;
  vehicle_number: string;
  status: string;
  is_open: number;
  creation_hlc: string;
  conflict: number;
  amount_paid_paise: number;
  data: string;
  updated_at: number;
}
export interface SyncEntitiesTable {
  facility_id: string;
  entity_type: string;
  entity_id: string;
  natural_key: string | null;
  hlc: string;
  data: string;
  updated_at: number;
}

/** validation_redemptions: src-server/validations/schema.ts; pass_movements: src-server/passes/schema.ts. */
export interface SyncDatabase extends ValidationServerTables, PassServerTables {
  sync_counter: SyncCounterTable;
  sync_kiosks: SyncKiosksTable;
  sync_events: SyncEventsTable;
  sync_changes: SyncChangesTable;
  sync_sessions: SyncSessionsTable;
  sync_entities: SyncEntitiesTable;
  /** Zones are kept once, in the server's own tables (src-server/sync/zones.ts). */
  zones: ZonesTable;
  slots: SlotsTable;
}

export type SyncDb = Kysely<SyncDatabase>;
