import { useEffect, useRef } from 'react';
import { attachWedge } from './scanners.js';

/** Keyboard-wedge scans anywhere on the page while the screen is shown (no field focus needed). */
export function useKeyboardWedge(onCode: (code: string) => void, enabled = true): void {
  const ref = useRef(onCode);
  ref.current = onCode;
  useEffect(() => {
    if (!enabled) return;
    return attachWedge(window, (code) => ref.current(code));
  }, [enabled]);
}
