/**
 * GST tax documents: tax invoices (B2C, B2B, the day's consolidated invoice), credit notes and
 * the small receipts a consolidated invoice covers (docs/invoices.md). Each row keeps its own
 * supplier, rate and amounts, so a settings or rate change never rewrites an issued document.
 * Numbers: one gap-free counter per (gate prefix, series, financial year), given inside the
 * payment's transaction; the UNIQUE constraints make a repeated number impossible.
 */
import { type Kysely, sql } from 'kysely';

const STATEMENTS = [
  `CREATE TABLE tax_documents (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('TAX_INVOICE', 'CONSOLIDATED', 'CREDIT_NOTE', 'RECEIPT')),
    number TEXT UNIQUE,
    prefix TEXT,
    series TEXT CHECK (series IN ('I', 'C')),
    fy_code TEXT NOT NULL,
    counter INTEGER CHECK (counter > 0),
    supply_type TEXT NOT NULL CHECK (supply_type IN ('B2C', 'B2B')),
    kiosk_id TEXT NOT NULL,
    session_id TEXT,
    payment_id TEXT,
    issued_at INTEGER NOT NULL,
    day TEXT NOT NULL,
    supplier TEXT NOT NULL,
    buyer_gstin TEXT,
    buyer_name TEXT,
    place_of_supply TEXT NOT NULL,
    sac TEXT NOT NULL,
    rate_bp INTEGER NOT NULL,
    inclusive INTEGER NOT NULL,
    taxable_paise INTEGER NOT NULL,
    cgst_paise INTEGER NOT NULL,
    sgst_paise INTEGER NOT NULL,
    igst_paise INTEGER NOT NULL,
    total_paise INTEGER NOT NULL,
    refers_to TEXT REFERENCES tax_documents(id),
    reason TEXT,
    token TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    CHECK ((kind = 'RECEIPT') = (number IS NULL)),
    CHECK (taxable_paise + cgst_paise + sgst_paise + igst_paise = total_paise),
    UNIQUE (prefix, series, fy_code, counter)
  ) STRICT`,
  // One invoice (or small receipt) per session; credit notes may be several.
  `CREATE UNIQUE INDEX tax_documents_session ON tax_documents(session_id) WHERE kind IN ('TAX_INVOICE', 'RECEIPT')`,
  `CREATE INDEX tax_documents_day ON tax_documents(day, kind)`,
  `CREATE INDEX tax_documents_refers ON tax_documents(refers_to)`,
  // A session's buyer details (B2B GSTIN and name, or "invoice wanted"), given at payment.
  `CREATE TABLE invoice_requests (
    session_id TEXT PRIMARY KEY,
    buyer_gstin TEXT,
    buyer_name TEXT,
    want_invoice INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  ) STRICT`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('kiosk migrations are forward-only');
}
