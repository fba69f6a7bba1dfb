/** Error codes of the kiosk API (API.md). Every failure a caller can see carries one of these. */
export const ERROR_CODES = [
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'TICKET_INVALID',
  'TICKET_UNKNOWN',
  'ALREADY_ENTERED',
  'NOT_ENTERED',
  'ALREADY_EXITED',
  'SESSION_CLOSED',
  'NO_SLOT_AVAILABLE',
  'ZONE_INACTIVE',
  'PAYMENT_REQUIRED',
  'PAYMENT_PENDING',
  'INSUFFICIENT_TENDER',
  'OFFLINE',
  'CONFLICT',
  'RATE_LIMITED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** HTTP status for each code; state conflicts are 409. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  TICKET_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  TICKET_UNKNOWN: 404,
  ALREADY_ENTERED: 409,
  NOT_ENTERED: 409,
  ALREADY_EXITED: 409,
  SESSION_CLOSED: 409,
  NO_SLOT_AVAILABLE: 409,
  ZONE_INACTIVE: 409,
  PAYMENT_REQUIRED: 409,
  PAYMENT_PENDING: 409,
  INSUFFICIENT_TENDER: 409,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  OFFLINE: 503,
  INTERNAL: 500,
};

/** Default message for a person at the gate: short, plain, says what to do. */
export const DEFAULT_MESSAGES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'Some details are missing or wrong. Check them and try again.',
  UNAUTHENTICATED: 'Please log in again.',
  FORBIDDEN: 'Your role cannot do this. Ask a supervisor.',
  NOT_FOUND: 'Not found. Check the details and try again.',
  TICKET_INVALID: 'This ticket is not valid. Ask the driver for the original ticket or call a supervisor.',
  TICKET_UNKNOWN: 'This ticket is not known here. Use lost-ticket search or call a supervisor.',
  ALREADY_ENTERED: 'This ticket has already been used to enter.',
  NOT_ENTERED: 'This ticket has not been used to enter yet. Scan it at the entry gate.',
  ALREADY_EXITED: 'This ticket has already been used to exit.',
  SESSION_CLOSED: 'This booking is closed (cancelled or expired).',
  NO_SLOT_AVAILABLE: 'No free slot in this zone. Pick another zone.',
  ZONE_INACTIVE: 'This zone is closed. Pick another zone.',
  PAYMENT_REQUIRED: 'Payment is due before the gate can open.',
  PAYMENT_PENDING: 'An online payment is still pending. Wait for it or cancel it.',
  INSUFFICIENT_TENDER: 'The cash given is less than the amount due.',
  OFFLINE: 'The kiosk is offline. Take cash instead.',
  CONFLICT: 'This conflicts with an existing record. Check and try again.',
  RATE_LIMITED: 'Too many attempts. Wait a moment and try again.',
  INTERNAL: 'Something went wrong. Try again; if it repeats, call a supervisor.',
};

/** Parameters of a translatable message: plain values the screen formats in its own language (times as ISO, money in paise). */
export type MessageParams = Record<string, string | number | null>;

/** The one error type the core throws for expected failures. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  /** Message key the screens translate (src-renderer/i18n `core.<key>`), with its parameters; the English message stays for logs and old clients. */
  key: string | null = null;
  params: MessageParams | null = null;
  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? DEFAULT_MESSAGES[code]);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  /** An error whose message the screen builds from `key` + `params` in the operator's language. */
  static keyed(code: ErrorCode, key: string, params: MessageParams, message: string, details?: unknown): AppError {
    const e = new AppError(code, message, details);
    e.key = key;
    e.params = params;
    return e;
  }
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: unknown;
  /** Translatable form of `message` (AppError.keyed); absent on errors that only carry their code. */
  key?: string;
  params?: MessageParams;
}

export type ApiResponse<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
