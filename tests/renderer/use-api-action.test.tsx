// @vitest-environment jsdom
/** useApiAction: one action at a time, the failure sound and the error kept, busy cleared either way. */
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { sounds } from '../../src-renderer/lib/sound.js';
import { useApiAction } from '../../src-renderer/lib/use-api-action.js';

describe('useApiAction', () => {
  it('ignores a second run while the first is busy (a double tap pays once)', async () => {
    const { result } = renderHook(() => useApiAction());
    let release!: () => void;
    const action = vi.fn(() => new Promise<string>((resolve) => { release = () => resolve('done'); }));
    let first!: Promise<string | undefined>;
    let second!: Promise<string | undefined>;
    act(() => {
      first = result.current.run(action);
      second = result.current.run(action);
    });
    expect(result.current.busy).toBe(true);
    expect(await second).toBeUndefined();
    await act(async () => release());
    expect(await first).toBe('done');
    expect(action).toHaveBeenCalledTimes(1);
    expect(result.current.busy).toBe(false);
  });

  it('a failure plays the failure sound, keeps the error, calls onError, and the next run clears it', async () => {
    const failure = vi.spyOn(sounds, 'failure').mockImplementation(() => {});
    const { result } = renderHook(() => useApiAction());
    const boom = new Error('boom');
    const onError = vi.fn();
    await act(async () => {
      expect(await result.current.run(() => Promise.reject(boom), onError)).toBeUndefined();
    });
    expect(result.current.error).toBe(boom);
    expect(result.current.busy).toBe(false);
    expect(onError).toHaveBeenCalledWith(boom);
    expect(failure).toHaveBeenCalledTimes(1);
    await act(async () => {
      await result.current.run(async () => 1);
    });
    expect(result.current.error).toBeNull();
    failure.mockRestore();
  });
});
