/**
 * Permission policy (DESIGN.md §6): the camera is the only permission granted, and only to the
 * app's own origin, only for video, only in the main frame. Everything else is denied, including
 * device pickers (USB/HID/serial/Bluetooth) and screen capture.
 *
 * Takes the Electron session as a parameter (structurally typed) so tests can pass a fake.
 */
import { APP_ORIGIN } from './constants.js';

export interface PermissionRequestDetailsLike {
  isMainFrame?: boolean;
  requestingUrl?: string;
  mediaTypes?: Array<'video' | 'audio'>;
  securityOrigin?: string;
}

export interface PermissionCheckDetailsLike {
  isMainFrame?: boolean;
  requestingUrl?: string;
  mediaType?: 'video' | 'audio' | 'unknown';
  securityOrigin?: string;
  embeddingOrigin?: string;
}

export interface SessionPermissionsLike {
  setPermissionRequestHandler(
    handler: (
      webContents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: PermissionRequestDetailsLike,
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (
      webContents: unknown,
      permission: string,
      requestingOrigin: string,
      details: PermissionCheckDetailsLike,
    ) => boolean,
  ): void;
  setDevicePermissionHandler?(handler: (details: unknown) => boolean): void;
  on?(event: 'select-hid-device' | 'select-serial-port' | 'select-usb-device', listener: (...args: never[]) => void): unknown;
}

/** Origin of a URL, or null when it cannot be parsed (never trust what we cannot parse). */
export function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    // Custom standard schemes report their origin as "null" in some Node versions: rebuild it.
    if (u.origin && u.origin !== 'null') return u.origin;
    if (!u.host) return null;
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}

export function isAppOrigin(url: string | undefined | null, appOrigin: string = APP_ORIGIN): boolean {
  return originOf(url) === appOrigin;
}

/** Decision for an asynchronous permission *request* (e.g. getUserMedia). */
export function shouldGrantPermissionRequest(
  permission: string,
  details: PermissionRequestDetailsLike,
  appOrigin: string = APP_ORIGIN,
): boolean {
  if (permission !== 'media') return false;
  if (details.isMainFrame !== true) return false;
  if (!isAppOrigin(details.requestingUrl, appOrigin)) return false;
  if (details.securityOrigin !== undefined && !isAppOrigin(details.securityOrigin, appOrigin)) return false;
  const types = details.mediaTypes ?? [];
  // Camera only: at least one type asked for, and every type asked for is video.
  return types.length > 0 && types.every((t) => t === 'video');
}

/** Decision for a synchronous permission *check* (e.g. enumerateDevices labels, permissions.query). */
export function shouldGrantPermissionCheck(
  permission: string,
  requestingOrigin: string,
  details: PermissionCheckDetailsLike,
  appOrigin: string = APP_ORIGIN,
): boolean {
  if (permission !== 'media') return false;
  if (!isAppOrigin(requestingOrigin, appOrigin)) return false;
  if (details.embeddingOrigin !== undefined && !isAppOrigin(details.embeddingOrigin, appOrigin)) return false;
  if (details.securityOrigin !== undefined && !isAppOrigin(details.securityOrigin, appOrigin)) return false;
  if (details.requestingUrl !== undefined && !isAppOrigin(details.requestingUrl, appOrigin)) return false;
  return details.mediaType === 'video';
}

export function installPermissionHandlers(session: SessionPermissionsLike, appOrigin: string = APP_ORIGIN): void {
  session.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(shouldGrantPermissionRequest(permission, details ?? {}, appOrigin));
  });
  session.setPermissionCheckHandler((_wc, permission, requestingOrigin, details) =>
    shouldGrantPermissionCheck(permission, requestingOrigin, details ?? {}, appOrigin),
  );
  // USB / HID / serial: never. (The keyboard-wedge scanner is a plain keyboard, no API needed.)
  session.setDevicePermissionHandler?.(() => false);
  // Screen capture: no display-media handler is installed, so getDisplayMedia is refused, and a
  // 'display-capture' request is denied by the request handler above.
  // Device pickers: cancel by choosing nothing.
  for (const ev of ['select-hid-device', 'select-serial-port', 'select-usb-device'] as const) {
    session.on?.(ev, (event: { preventDefault(): void }, _details: unknown, callback: (id?: string) => void) => {
      event.preventDefault();
      callback();
    });
  }
}
