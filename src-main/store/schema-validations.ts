/** Row types of the validation tables (migrations/kiosk/0018_validations.ts). */
import type { Selectable } from 'kysely';
import type { BillRule, ValidationKind } from '../../src-shared/domain/validation.js';

type Flag = 0 | 1;

export interface MerchantsTable {
  id: string;
  name: string;
  prepaid: Flag;
  is_active: Flag;
  created_at: number;
  updated_at: number;
}

export interface ValidationProgramsTable {
  id: string;
  merchant_id: string;
  name: string;
  kind: ValidationKind;
  minutes_off: number | null;
  amount_off_paise: number | null;
  percent_off: number | null;
  cap_paise: number | null;
  reason_code: string;
  bill_rule: BillRule;
  min_bill_paise: number | null;
  stay_over_minutes: number | null;
  stay_up_to_minutes: number | null;
  is_active: Flag;
  created_at: number;
  updated_at: number;
}

export interface SessionValidationsTable {
  id: string;
  session_id: string;
  program_id: string;
  merchant_id: string;
  source: 'CODE' | 'MANUAL';
  code_id: string | null;
  bill_paise: number | null;
  discount_paise: number;
  fee_before_paise: number;
  settled: Flag;
  operator_id: string | null;
  kiosk_id: string;
  created_at: number;
  updated_at: number;
}

export interface MerchantLedgerTable {
  id: string;
  merchant_id: string;
  kind: 'TOPUP' | 'DRAW';
  amount_paise: number;
  validation_id: string | null;
  operator_id: string | null;
  kiosk_id: string;
  at: number;
}

export interface ValidationTables {
  merchants: MerchantsTable;
  validation_programs: ValidationProgramsTable;
  session_validations: SessionValidationsTable;
  merchant_ledger: MerchantLedgerTable;
}

export type MerchantRow = Selectable<MerchantsTable>;
export type ValidationProgramRow = Selectable<ValidationProgramsTable>;
export type SessionValidationRow = Selectable<SessionValidationsTable>;
