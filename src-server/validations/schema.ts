/** Row types of migrations/server/9950_validation_redemptions.ts. */
export interface ValidationRedemptionsTable {
  event_id: string;
  validation_id: string;
  code_id: string;
  kiosk_id: string;
  session_id: string;
  program_id: string;
  merchant_id: string;
  hlc: string;
  status: 'CANONICAL' | 'DUPLICATE';
  received_at: number;
}

/** Row types of migrations/server/9983_merchant_prevalidations.ts. */
export interface MerchantCredentialsTable {
  id: string;
  facility_id: string;
  merchant_id: string;
  label: string;
  token_hash: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
}
export interface ServerValidationsTable {
  validation_id: string;
  facility_id: string;
  session_id: string;
  program_id: string;
  merchant_id: string;
  /** The gate that put it on, or `server` for a merchant's pre-validation. */
  kiosk_id: string;
  /** The merchant credential of a pre-validation; null for a gate's. */
  credential_id: string | null;
  bill_paise: number | null;
  created_at: number;
}
export interface MerchantLedgerEntriesTable {
  id: string;
  facility_id: string;
  merchant_id: string;
  amount_paise: number;
  at: number;
}

export interface ValidationServerTables {
  validation_redemptions: ValidationRedemptionsTable;
  merchant_credentials: MerchantCredentialsTable;
  server_validations: ServerValidationsTable;
  merchant_ledger_entries: MerchantLedgerEntriesTable;
}
