// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, call, onUnauthorized, setToken } from '../../src-renderer/api/client.js';

afterEach(() => {
  delete window.parkgate;
  setToken(null);
  onUnauthorized(null);
  vi.unstubAllGlobals();
});

describe('API client', () => {
  it('browser mode: POSTs JSON to /api/v1/<method> with the bearer token', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ ok: true, data: [{ id: 'z' }] }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    setToken('tok-9');
    const zones = await call('zones.list', {});
    expect(zones).toEqual([{ id: 'z' }]);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/zones.list');
    expect(init.method).toBe('POST');
    expect((init.headers as Record<string, string>).authorization).toBe('Bearer tok-9');
    expect(init.body).toBe('{}');
  });

  it('throws a typed ApiError with the core code and message', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ ok: false, error: { code: 'FORBIDDEN', message: 'nope' } }), { status: 403 }));
    const err = await call('gate.payCash', { sessionId: 's', tenderedPaise: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'FORBIDDEN', message: 'nope' });
  });

  it('a dead transport is a NETWORK error, and UNAUTHENTICATED calls the logout hook', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(call('zones.list', {})).rejects.toMatchObject({ code: 'NETWORK' });
    const hook = vi.fn();
    onUnauthorized(hook);
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ ok: false, error: { code: 'UNAUTHENTICATED', message: 'x' } }), { status: 401 }));
    await expect(call('zones.list', {})).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(hook).toHaveBeenCalledTimes(1);
  });

  it('Electron mode: uses window.parkgate.call and never fetch', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    const bridgeCall = vi.fn(async () => ({ ok: true as const, data: { version: '1' } }));
    window.parkgate = { call: bridgeCall, onEvent: () => () => {} };
    await expect(call('system.health', {})).resolves.toEqual({ version: '1' });
    expect(bridgeCall).toHaveBeenCalledWith('system.health', {});
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
