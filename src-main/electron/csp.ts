/**
 * Content-Security-Policy for the kiosk renderer (DESIGN.md §6).
 *
 * Pure: no Electron import. `installCspHeader` takes the session's webRequest object as a
 * parameter so it can be tested with a fake; the app protocol handler adds the same header to
 * the responses it builds. The HTTP bridge (browser kiosk mode) can import `buildCsp()` too, so
 * both shells run the renderer under one policy.
 *
 * What the renderer needs and why each source is allowed:
 * - script-src 'self' 'wasm-unsafe-eval': the bundled JS, plus compiling the QR decoder's
 *   WebAssembly (zxing-wasm). No 'unsafe-eval', no 'unsafe-inline', no remote script.
 * - style-src 'self' 'unsafe-inline': the built CSS, plus inline style attributes that the camera
 *   scanner library writes. Styles cannot run code, and with img/font/connect limited to the app
 *   itself an injected style has nowhere to send data.
 * - img-src 'self' data: blob:: QR codes of issued tickets are drawn as data: URLs; receipts.
 * - media-src 'self' blob: mediastream:: the camera preview (getUserMedia) and the UI sounds.
 * - connect-src 'self': fetching the bundled .wasm and, in browser mode, the loopback API.
 * - worker-src 'self' blob:: decoder workers built from the bundle.
 * - everything else: 'none' (no frames, no plugins, no forms posting anywhere, no <base>).
 */

export interface CspOptions {
  /**
   * Extra origins allowed for connect-src (browser mode only, e.g. the bridge on another
   * loopback port). Electron passes none: its API goes over IPC.
   */
  extraConnectSrc?: readonly string[];
}

export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'none'"],
  'script-src': ["'self'", "'wasm-unsafe-eval'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'blob:', 'mediastream:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'worker-src': ["'self'", 'blob:'],
  'manifest-src': ["'self'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'child-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
  'base-uri': ["'none'"],
});

export function buildCsp(opts: CspOptions = {}): string {
  return Object.entries(CSP_DIRECTIVES)
    .map(([name, sources]) => {
      const all = name === 'connect-src' ? [...sources, ...(opts.extraConnectSrc ?? [])] : sources;
      return `${name} ${all.join(' ')}`;
    })
    .join('; ');
}

/** The policy the Electron window runs under. */
export const ELECTRON_CSP = buildCsp();

/** Other security headers sent with every renderer response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': ELECTRON_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(self), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
});

/** Shape of Electron's `OnHeadersReceivedListenerDetails` / callback that we use. */
export interface HeadersReceivedDetails {
  url: string;
  responseHeaders?: Record<string, string[] | string>;
}
export interface HeadersReceivedResponse {
  cancel?: boolean;
  responseHeaders?: Record<string, string[] | string>;
}
export interface WebRequestLike {
  onHeadersReceived(
    listener: (details: HeadersReceivedDetails, callback: (response: HeadersReceivedResponse) => void) => void,
  ): void;
}

/**
 * Returns the response headers with our CSP and security headers set, replacing any header of
 * the same name (case-insensitive) that the response already had.
 */
export function withSecurityHeaders(
  headers: Record<string, string[] | string> | undefined,
  csp: string = ELECTRON_CSP,
): Record<string, string[]> {
  const ours: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Security-Policy': csp };
  const lowerOurs = new Set(Object.keys(ours).map((k) => k.toLowerCase()));
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (lowerOurs.has(name.toLowerCase())) continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  for (const [name, value] of Object.entries(ours)) out[name] = [value];
  return out;
}

/**
 * Adds the CSP (and friends) to every response the session receives.
 *
 * The policy is spelled out literally here (not only built from CSP_DIRECTIVES) so that
 * electronegativity's CSP check can find and evaluate it; the hardening test asserts that this
 * literal equals ELECTRON_CSP, so the two cannot drift apart.
 */
export function installCspHeader(webRequest: WebRequestLike): void {
  webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...withSecurityHeaders(details.responseHeaders),
        'Content-Security-Policy': [
          "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; manifest-src 'self'; object-src 'none'; frame-src 'none'; child-src 'none'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
        ],
      },
    });
  });
}

export interface BeforeRequestLike {
  onBeforeRequest(
    filter: { urls: string[] },
    listener: (details: { url: string }, callback: (response: { cancel?: boolean }) => void) => void,
  ): void;
}

/** Remote schemes the kiosk window may never reach (the core syncs from Node, not Chromium). */
export const BLOCKED_URL_PATTERNS = ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*'];

/**
 * Defence in depth behind the CSP: the renderer's session cancels every http(s)/ws(s) request.
 * electron-updater downloads through its own session partition, so it is not affected.
 */
export function installNetworkLockdown(webRequest: BeforeRequestLike): void {
  webRequest.onBeforeRequest({ urls: BLOCKED_URL_PATTERNS }, (_details, callback) => callback({ cancel: true }));
}
