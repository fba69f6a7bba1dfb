/**
 * Preload for the kiosk window (sandboxed, context-isolated). Bundled by esbuild to
 * dist-electron/preload.cjs (CommonJS: sandboxed preloads cannot be ES modules).
 *
 * Exposes exactly one object, `window.parkgate`, with two functions:
 * - `call(method, input)` -> Promise<ApiResponse>: one API call through IPC. No token argument:
 *   the main process keeps the operator's session token (see ipc.ts).
 * - `onEvent(cb)` -> unsubscribe: the core's events. The callback receives the event payload
 *   only, never Electron's IPC event object (which would leak `sender`).
 * Nothing else from Node or Electron reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT } from './constants.js';

export interface ParkgatePreloadApi {
  call(method: string, input?: unknown): Promise<unknown>;
  onEvent(cb: (event: unknown) => void): () => void;
}

export function createPreloadApi(ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>): ParkgatePreloadApi {
  return Object.freeze({
    call(method: string, input?: unknown): Promise<unknown> {
      if (typeof method !== 'string') return Promise.reject(new TypeError('method must be a string'));
      return ipc.invoke(IPC_CALL, method, input === undefined ? {} : input);
    },
    onEvent(cb: (event: unknown) => void): () => void {
      if (typeof cb !== 'function') throw new TypeError('onEvent needs a function');
      const listener = (_event: IpcRendererEvent, payload: unknown) => {
        cb(payload);
      };
      ipc.on(IPC_EVENT, listener);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        ipc.removeListener(IPC_EVENT, listener);
      };
    },
  });
}

contextBridge.exposeInMainWorld('parkgate', createPreloadApi(ipcRenderer));
