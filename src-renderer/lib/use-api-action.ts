import { useCallback, useRef, useState } from 'react';
import { sounds } from './sound.js';

export interface ApiAction {
  /** True while an action runs; a second `run` meanwhile is ignored (a double tap pays once). */
  busy: boolean;
  /** What the last failed action threw (an ApiError for the screen to explain), else null. */
  error: unknown;
  /**
   * Runs one action: clears the last error, marks busy, and on failure plays the failure sound,
   * keeps the error and calls `onError`. Resolves to the action's result, or undefined when it
   * failed or another action was still running.
   */
  run<T>(action: () => Promise<T>, onError?: (error: unknown) => void): Promise<T | undefined>;
  clearError(): void;
}

/** The busy / try / catch every screen action needs, once. */
export function useApiAction(): ApiAction {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // A ref as well as state: two taps in the same frame both see the state before either re-render.
  const running = useRef(false);

  const run = useCallback(async <T,>(action: () => Promise<T>, onError?: (error: unknown) => void): Promise<T | undefined> => {
    if (running.current) return undefined;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      return await action();
    } catch (e) {
      sounds.failure();
      setError(e);
      onError?.(e);
      return undefined;
    } finally {
      running.current = false;
      setBusy(false);
    }
  }, []);

  const clearError = useCallback(() => setError(null), []);
  return { busy, error, run, clearError };
}
