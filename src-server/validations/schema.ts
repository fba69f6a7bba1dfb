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

export interface ValidationServerTables {
  validation_redemptions: ValidationRedemptionsTable;
}
