/**
 * Navigation and window guards (DESIGN.md §6): the window never leaves the app's origin, never
 * opens another window, never attaches a <webview>. Applied to every WebContents the app creates
 * (`app.on('web-contents-created')`), not only to the main window.
 *
 * Takes WebContents structurally so tests can pass a fake.
 */
import { APP_ORIGIN } from './constants.js';
import { isAppOrigin } from './permissions.js';

export interface PreventableEvent {
  preventDefault(): void;
}

export interface NavigationEventLike extends PreventableEvent {
  url?: string;
}

export interface WebContentsNavLike {
  on(event: 'will-navigate', listener: (event: NavigationEventLike, url: string) => void): unknown;
  on(event: 'will-frame-navigate', listener: (event: NavigationEventLike) => void): unknown;
  on(event: 'will-redirect', listener: (event: NavigationEventLike, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent, ...rest: unknown[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

export type NavigationLogger = (message: string, url: string) => void;

/** Navigation is allowed only inside the app's own origin (e.g. a reload of `/`). */
export function isAllowedNavigation(url: string, appOrigin: string = APP_ORIGIN): boolean {
  return isAppOrigin(url, appOrigin);
}

export function installNavigationGuards(
  contents: WebContentsNavLike,
  appOrigin: string = APP_ORIGIN,
  log: NavigationLogger = () => {},
): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAllowedNavigation(url, appOrigin)) {
      event.preventDefault();
      log('blocked navigation', url);
    }
  });
  contents.on('will-frame-navigate', (event) => {
    const url = event.url ?? '';
    if (!isAllowedNavigation(url, appOrigin)) {
      event.preventDefault();
      log('blocked frame navigation', url);
    }
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAllowedNavigation(url, appOrigin)) {
      event.preventDefault();
      log('blocked redirect', url);
    }
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked webview', '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log('blocked window.open', url);
    return { action: 'deny' };
  });
}
