/**
 * Camera QR scanning for the Entry and Exit screens. Framework-free: a screen calls
 * `startCameraScanner({ elementId, onCode, ... })` after its container <div id=elementId> is in
 * the DOM and `await scanner.stop()` when it unmounts.
 *
 * Built on html5-qrcode (Html5Qrcode) with the kiosk decoder from ./decoder-setup (zxing-cpp
 * wasm polyfill as html5-qrcode's BarcodeDetector, served from our own origin, QR_CODE only).
 *
 * Gate settings and why:
 *  - fps 10: html5-qrcode waits 1000/fps ms AFTER each decode, so a code that enters the box is
 *    read within ~100 ms + one decode (well under the 500 ms scan-to-result target), while the
 *    decode loop stays far below one core (one zxing-cpp decode of the box is a few ms; see
 *    docs/scanner.md for the measured figures). Higher rates buy no latency a person notices and
 *    cost CPU on small kiosk PCs; lower rates make the lane feel sluggish.
 *  - qrbox = a square of 70% of the shorter side of the preview: the parker sees where to hold
 *    the ticket, only that region is decoded (about half the pixels of the full frame), and it is
 *    still large enough for a phone held at arm's length. A smaller box saves CPU but forces
 *    precise aiming; full frame costs twice the pixels and invites reading a neighbour's code.
 *  - camera: explicit `cameraId`, else the one remembered for this kiosk (localStorage), else
 *    facingMode 'environment' (a laptop with only a front camera still works). The camera that
 *    actually started is remembered. Requested at 1280x720 so the decoded box is downsampled
 *    from a sharp image rather than upscaled from 640x480.
 *  - disableFlip: QR codes are never mirrored on tickets or phones; html5-qrcode's mirror retry
 *    would double the work on every empty frame.
 *  - the same code read again while it stays in view (and for 3 s after) is one scan.
 *  - 'closer' hint once the box has looked like a code for 1.5 s without a decode.
 *  - tab/window hidden -> scanning and video paused; visible again -> resumed.
 */
import { Html5Qrcode, Html5QrcodeScannerState, type Html5QrcodeCameraScanConfig } from 'html5-qrcode';
import { createQrReader, prepareQrDecoder } from './decoder-setup';
import {
  DuplicateFilter,
  HintTracker,
  frameStats,
  looksLikeCode,
  type ScanHint,
} from './scan-policy';

export type { ScanHint } from './scan-policy';

export interface CameraInfo {
  id: string;
  label: string;
}

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface CameraScannerOptions {
  /** id of an EMPTY container element already in the DOM; html5-qrcode renders into it. */
  elementId: string;
  /** A new QR text (repeats of the code in view are already filtered out). */
  onCode(text: string): void;
  /** 'closer' = show "hold the ticket closer / steadier"; null = hide it. */
  onHint?(hint: ScanHint): void;
  /** Runtime problems after start (camera unplugged, decoder wasm failed to load, onCode threw). */
  onError?(err: Error): void;
  /** Explicit camera (e.g. from a picker). It is remembered for this kiosk. */
  cameraId?: string;
  /** Decode attempts per second (default 10). */
  fps?: number;
  /** Same text within this many ms of last being seen is ignored (default 3000). */
  duplicateWindowMs?: number;
  /** ms a code-like but undecodable box is shown before the 'closer' hint (default 1500). */
  hintAfterMs?: number;
  /** Where the chosen camera id is remembered (default window.localStorage; null = nowhere). */
  storage?: KeyValueStore | null;
}

export interface CameraScanner {
  /** Stops the camera and clears the element. Idempotent. */
  stop(): Promise<void>;
  /** Turns the torch on/off; resolves false when the camera has no torch (or it failed). */
  setTorch(on: boolean): Promise<boolean>;
  /** Whether the running camera reports a torch. */
  hasTorch(): boolean;
  /** Video input devices (labels are available once camera permission was granted). */
  cameras(): Promise<CameraInfo[]>;
  /** deviceId of the running camera, when the browser reports it. */
  readonly cameraId: string | null;
}

export const CAMERA_STORAGE_KEY = 'parkgate.scanner.cameraId';
export const DEFAULT_FPS = 10;
export const QRBOX_SHARE = 0.7;

/** html5-qrcode qrbox function: a square of QRBOX_SHARE of the shorter side, at least 50 px. */
export function gateQrbox(viewfinderWidth: number, viewfinderHeight: number) {
  const side = Math.max(50, Math.floor(Math.min(viewfinderWidth, viewfinderHeight) * QRBOX_SHARE));
  return { width: side, height: side };
}

/** The html5-qrcode camera config for a gate (see the header comment for the reasons). */
export function gateScanConfig(
  constraints: MediaTrackConstraints,
  fps: number = DEFAULT_FPS,
): Html5QrcodeCameraScanConfig {
  return {
    fps,
    qrbox: gateQrbox,
    disableFlip: true,
    videoConstraints: { width: { ideal: 1280 }, height: { ideal: 720 }, ...constraints },
  };
}

function toError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' ? e : JSON.stringify(e));
}

function defaultStorage(): KeyValueStore | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null; // storage disabled
  }
}

const HINT_SAMPLE_MS = 250;

export async function startCameraScanner(opts: CameraScannerOptions): Promise<CameraScanner> {
  const storage = opts.storage === undefined ? defaultStorage() : opts.storage;
  const fps = opts.fps ?? DEFAULT_FPS;
  const dupes = new DuplicateFilter(opts.duplicateWindowMs ?? 3000);
  const hints = new HintTracker((h) => opts.onHint?.(h), { hintAfterMs: opts.hintAfterMs ?? 1500 });
  const reportError = (e: unknown): void => {
    if (opts.onError) opts.onError(toError(e));
  };

  // Compile the wasm now, in parallel with camera start-up. On failure html5-qrcode still
  // scans through its zxing-js fallback, so report and keep going.
  prepareQrDecoder().catch((e: unknown) =>
    reportError(new Error(`QR decoder (zxing wasm) failed to load: ${toError(e).message}`)),
  );

  let stopped = false;
  let lastSample = -Infinity;
  const element = (): HTMLElement | null => document.getElementById(opts.elementId);

  const onSuccess = (text: string): void => {
    if (stopped) return;
    hints.success();
    if (!dupes.accept(text, performance.now())) return;
    try {
      opts.onCode(text);
    } catch (e) {
      reportError(e);
    }
  };

  const onFailure = (): void => {
    if (stopped || !opts.onHint) return;
    const now = performance.now();
    if (now - lastSample < HINT_SAMPLE_MS) return;
    lastSample = now;
    const canvas = element()?.querySelector('canvas');
    if (!canvas || canvas.width === 0 || canvas.height === 0) return;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) return;
    const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    hints.failure(now, looksLikeCode(frameStats(img.data, img.width, img.height)));
  };


  const startWith = async (constraints: MediaTrackConstraints): Promise<Html5Qrcode> => {
    const reader = createQrReader(opts.elementId);
    try {
      await reader.start(constraints, gateScanConfig(constraints, fps), onSuccess, onFailure);
      return reader;
    } catch (e) {
      try {
        reader.clear();
      } catch {
        /* element already gone */
      }
      throw toError(e);
    }
  };

  const remembered = storage?.getItem(CAMERA_STORAGE_KEY) ?? null;
  let reader: Html5Qrcode;
  if (opts.cameraId) {
    reader = await startWith({ deviceId: { exact: opts.cameraId } });
  } else if (remembered) {
    try {
      reader = await startWith({ deviceId: { exact: remembered } });
    } catch {
      // The remembered camera is gone (unplugged, replaced): forget it, use the rear camera.
      storage?.removeItem(CAMERA_STORAGE_KEY);
      reader = await startWith({ facingMode: 'environment' });
    }
  } else {
    reader = await startWith({ facingMode: 'environment' });
  }

  let cameraId: string | null = null;
  try {
    cameraId = reader.getRunningTrackSettings().deviceId ?? opts.cameraId ?? null;
  } catch {
    cameraId = opts.cameraId ?? null;
  }
  if (cameraId) {
    try {
      storage?.setItem(CAMERA_STORAGE_KEY, cameraId);
    } catch {
      /* quota / disabled storage: not worth failing the scanner */
    }
  }

  // Camera unplugged or taken by another app.
  const video = element()?.querySelector('video');
  const stream = video?.srcObject instanceof MediaStream ? video.srcObject : null;
  const onEnded = (): void => {
    if (!stopped) reportError(new Error('Camera stopped (disconnected or in use elsewhere)'));
  };
  for (const t of stream?.getVideoTracks() ?? []) t.addEventListener('ended', onEnded);

  // Pause decoding and video while the kiosk window is hidden; resume when visible.
  const onVisibility = (): void => {
    if (stopped) return;
    try {
      const state = reader.getState();
      if (document.hidden && state === Html5QrcodeScannerState.SCANNING) reader.pause(true);
      else if (!document.hidden && state === Html5QrcodeScannerState.PAUSED) reader.resume();
    } catch (e) {
      reportError(e);
    }
  };
  document.addEventListener('visibilitychange', onVisibility);
  if (document.hidden) onVisibility();

  let stopping: Promise<void> | null = null;
  const torch = () => {
    try {
      const f = reader.getRunningTrackCameraCapabilities().torchFeature();
      return f.isSupported() ? f : null;
    } catch {
      return null;
    }
  };

  return {
    get cameraId() {
      return cameraId;
    },
    stop(): Promise<void> {
      stopping ??= (async () => {
        stopped = true;
        document.removeEventListener('visibilitychange', onVisibility);
        for (const t of stream?.getVideoTracks() ?? []) t.removeEventListener('ended', onEnded);
        hints.success();
        const state = reader.getState();
        if (
          state === Html5QrcodeScannerState.SCANNING ||
          state === Html5QrcodeScannerState.PAUSED
        ) {
          try {
            await reader.stop();
          } catch (e) {
            // Stop must never leave the camera on: stop tracks directly as a last resort.
            for (const t of stream?.getTracks() ?? []) t.stop();
            reportError(e);
          }
        }
        try {
          reader.clear();
        } catch {
          /* element removed by the screen already */
        }
      })();
      return stopping;
    },
    async setTorch(on: boolean): Promise<boolean> {
      const f = stopped ? null : torch();
      if (!f) return false;
      try {
        await f.apply(on);
        return true;
      } catch {
        return false;
      }
    },
    hasTorch(): boolean {
      return !stopped && torch() !== null;
    },
    async cameras(): Promise<CameraInfo[]> {
      return listCameras();
    },
  };
}

/** Video input devices via html5-qrcode (asks for camera permission if not yet granted). */
export async function listCameras(): Promise<CameraInfo[]> {
  try {
    const list = await Html5Qrcode.getCameras();
    return list.map((c) => ({ id: c.id, label: c.label }));
  } catch (e) {
    throw toError(e);
  }
}

/** Forget the remembered camera (e.g. from a supervisor setting). */
export function forgetCamera(storage: KeyValueStore | null = defaultStorage()): void {
  storage?.removeItem(CAMERA_STORAGE_KEY);
}
