/**
 * Fixed names of the Electron shell. Pure module: no Electron import, so tests and the HTTP
 * bridge can share it.
 */

/** Custom privileged scheme the built renderer is served from (never file://). */
export const APP_SCHEME = 'app';
/** Host part of the app URL. The renderer's origin is `app://parkgate`. */
export const APP_HOST = 'parkgate';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/** IPC channels. `call` is request/response (invoke); `event` is pushed main -> renderer. */
export const IPC_CALL = 'parkgate:call';
export const IPC_EVENT = 'parkgate:event';

/** The window's language (Chromium's --lang): native date fields show day/month/year as in India. */
export const KIOSK_UI_LANG = 'en-IN';
