/** Row type of the UPI pass sale attempts (migrations/kiosk/0021_pass_upi_sales.ts). */
import type { Selectable } from 'kysely';

export interface PassUpiAttemptsTable {
  /** The central server's payment id. */
  id: string;
  /** What the server knows the attempt by (its `sessionId`): unique per attempt. */
  reference: string;
  kind: 'SALE' | 'RENEWAL';
  /** RENEWAL: the pass renewed; SALE: the pass once activated (null before). */
  pass_id: string | null;
  /** JSON of the sale or renewal input, kept until the payment is verified. */
  input: string;
  amount_paise: number;
  status: 'PENDING' | 'SUCCESS' | 'FAILED' | 'EXPIRED';
  gateway: string | null;
  gateway_ref: string | null;
  upi_uri: string | null;
  idempotency_key: string;
  shift_id: string;
  operator_id: string;
  sale_id: string | null;
  review_reason: string | null;
  expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PassUpiTables {
  pass_upi_attempts: PassUpiAttemptsTable;
}

export type PassUpiAttemptRow = Selectable<PassUpiAttemptsTable>;
