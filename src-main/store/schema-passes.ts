/** Row types of the season pass tables (migrations/kiosk/0019_season_passes.ts). */
import type { Selectable } from 'kysely';
import type { AntiPassbackMode, PassKind } from '../../src-shared/domain/season-pass.js';

export interface SeasonPassesTable {
  id: string;
  kind: PassKind;
  holder_name: string;
  /** JSON array of normalised plates. */
  plates: string;
  card_id: string | null;
  /** JSON array of zone ids ([] = every zone). */
  zones: string;
  /** JSON PassHours or null (all day, every day). */
  hours: string | null;
  valid_from: number;
  valid_until: number;
  max_cars: number;
  anti_passback: AntiPassbackMode;
  price_paise: number;
  created_at: number;
  updated_at: number;
}

export interface PassSalesTable {
  id: string;
  pass_id: string;
  kind: 'SALE' | 'RENEWAL';
  method: 'CASH' | 'UPI';
  /** The verified online payment of a UPI sale (migration 0021); null for cash. */
  payment_id: string | null;
  amount_paise: number;
  shift_id: string;
  operator_id: string;
  valid_from: number;
  valid_until: number;
  kiosk_id: string;
  created_at: number;
}

export interface PassMovementsTable {
  id: string;
  pass_id: string;
  direction: 'ENTRY' | 'EXIT' | 'RESET';
  session_id: string | null;
  flag: 'ALREADY_IN' | 'NOT_IN' | null;
  operator_id: string | null;
  kiosk_id: string;
  at: number;
}

export interface PassTables {
  season_passes: SeasonPassesTable;
  pass_sales: PassSalesTable;
  pass_movements: PassMovementsTable;
}

export type SeasonPassRow = Selectable<SeasonPassesTable>;
export type PassMovementRow = Selectable<PassMovementsTable>;
