/** One subscription to the core's events, fanned out to whichever screens listen. */
import { useEffect, useRef } from 'react';
import type { KioskEvent } from '../../src-shared/contracts/api.js';

type Listener = (e: KioskEvent) => void;
const listeners = new Set<Listener>();

export function emitKioskEvent(e: KioskEvent): void {
  for (const l of listeners) {
    try {
      l(e);
    } catch {
      /* a screen's handler must not break the others */
    }
  }
}

export function useKioskEvent(handler: Listener): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const l: Listener = (e) => ref.current(e);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
}
