/**
 * The screens' single door to the scanner modules (src-renderer/scanner/**, owned by the scanner
 * work). Loaded lazily so html5-qrcode and the zxing wasm are fetched only by screens that scan,
 * and so component tests can replace this one module.
 */
import type { CameraInfo, CameraScanner, ScanHint } from '../scanner/camera-scanner.js';
import { attachKeyboardWedge } from '../scanner/keyboard-wedge.js';

export type { CameraInfo, CameraScanner, ScanHint };

export interface StartCameraOptions {
  elementId: string;
  onCode(code: string): void;
  onHint?(hint: ScanHint): void;
  onError?(err: Error): void;
  cameraId?: string;
}

export async function startCamera(opts: StartCameraOptions): Promise<CameraScanner> {
  const mod = await import('../scanner/camera-scanner.js');
  return mod.startCameraScanner(opts);
}

/** Listen for a USB keyboard-wedge scanner (fast key bursts ending in Enter). Returns detach. */
export function attachWedge(target: Window | HTMLElement, onCode: (code: string) => void): () => void {
  return attachKeyboardWedge(target, onCode);
}
