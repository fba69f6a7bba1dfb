/**
 * The renderer's only door to the kiosk core. Two transports, one typed surface:
 * - Electron: `window.parkgate.call(method, input)` exposed by the preload (IPC);
 * - browser kiosk mode: `POST /api/v1/<method>` with the bearer token, events over SSE.
 * Only types are imported from the contracts, so no core code ends up in the bundle.
 */
import type { ApiInput, ApiMethod, ApiResult, KioskEvent } from '../../src-shared/contracts/api.js';
import type { ApiResponse, ErrorCode, MessageParams } from '../../src-shared/contracts/errors.js';

export interface ParkgateBridge {
  call(method: string, input: unknown): Promise<ApiResponse<unknown>>;
  onEvent(cb: (event: KioskEvent) => void): () => void;
}

declare global {
  interface Window {
    parkgate?: ParkgateBridge;
  }
}

/** Codes the client itself produces when the transport fails (not part of the core's table). */
export type ClientErrorCode = ErrorCode | 'NETWORK';

export class ApiError extends Error {
  readonly code: ClientErrorCode;
  readonly details: unknown;
  readonly status: number | null;
  /** The core's message key and parameters (translated by i18n's errorText). */
  key: string | null = null;
  params: MessageParams = {};
  constructor(code: ClientErrorCode, message: string, details?: unknown, status: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = details;
    this.status = status;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

let token: string | null = null;
let unauthorizedHandler: (() => void) | null = null;
let baseUrl = '/api/v1';

export function setToken(next: string | null): void {
  token = next;
}
export function getToken(): string | null {
  return token;
}
/** Called when any call answers UNAUTHENTICATED (token expired or revoked). */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}
export function setBaseUrl(url: string): void {
  baseUrl = url.replace(/\/$/, '');
}

function bridge(): ParkgateBridge | null {
  return typeof window !== 'undefined' && window.parkgate ? window.parkgate : null;
}

async function transport(method: string, input: unknown): Promise<ApiResponse<unknown>> {
  const b = bridge();
  if (b) return b.call(method, input);
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/${method}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(input ?? {}),
    });
  } catch (e) {
    throw new ApiError('NETWORK', e instanceof Error ? e.message : String(e));
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError('INTERNAL', `HTTP ${res.status}`, undefined, res.status);
  }
  if (!body || typeof body !== 'object' || !('ok' in body)) {
    throw new ApiError('INTERNAL', `HTTP ${res.status}`, undefined, res.status);
  }
  return body as ApiResponse<unknown>;
}

/** Call one API method. Resolves with its typed result, or throws an ApiError. */
export async function call<M extends ApiMethod>(method: M, input: ApiInput<M>): Promise<ApiResult<M>> {
  const response = await transport(method, input);
  if (response.ok) return response.data as ApiResult<M>;
  const { code, message, details, key, params } = response.error;
  if (code === 'UNAUTHENTICATED' && method !== 'auth.login' && unauthorizedHandler) unauthorizedHandler();
  const error = new ApiError(code, message, details);
  if (key) {
    error.key = key;
    error.params = params ?? {};
  }
  throw error;
}

export type Unsubscribe = () => void;

/**
 * Subscribe to the core's events. Electron: the preload's onEvent. Browser: SSE with the token in
 * the query (EventSource cannot send headers); reconnects are handled by EventSource itself.
 */
export function subscribeEvents(cb: (event: KioskEvent) => void): Unsubscribe {
  const b = bridge();
  if (b) return b.onEvent(cb);
  if (typeof EventSource === 'undefined' || !token) return () => {};
  const es = new EventSource(`${baseUrl}/events?token=${encodeURIComponent(token)}`);
  es.onmessage = (msg: MessageEvent<string>) => {
    try {
      const parsed: unknown = JSON.parse(msg.data);
      if (parsed && typeof parsed === 'object' && 'type' in parsed) cb(parsed as KioskEvent);
    } catch {
      /* ignore keep-alives and malformed lines */
    }
  };
  return () => es.close();
}
