/**
 * The UI the kiosk serves (and every browser test drives) is React's production build, the one
 * the kiosk ships, even when the serve is started from vitest (NODE_ENV=test in its environment).
 * A development build would run StrictMode's double effects and dev-only checks that the shipped
 * kiosk never runs, so the browser tests would be testing something else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type ServeHandle } from '../helpers/serve.js';

describe('the served UI bundle (e2e)', () => {
  let srv: ServeHandle;

  beforeAll(async () => {
    srv = await startServe({ seedDemo: false, fakeClock: false, env: { NODE_ENV: 'test', PARKGATE_BACKUP_INTERVAL_MINUTES: '0' } });
  }, 180_000);
  afterAll(async () => {
    await srv?.stop();
  });

  it('is the production build: no React development code, React minified errors present', async () => {
    const html = await (await fetch(srv.url)).text();
    const scripts = [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length, html).toBeGreaterThan(0);
    let bundle = '';
    for (const src of scripts) {
      const res = await fetch(new URL(src, `${srv.url}/`));
      expect(res.status, src).toBe(200);
      bundle += await res.text();
    }
    // What only the development builds carry: the dev JSX runtime and react-dom's nesting warning.
    expect(bundle.includes('jsxDEV'), 'the served bundle uses react/jsx-dev-runtime').toBe(false);
    expect(bundle.includes('In HTML, %s cannot be a child of'), 'the served bundle has react-dom development warnings').toBe(false);
    // And what only the production build carries, so the check is not passing on an empty bundle.
    expect(bundle).toContain('Minified React error');
  });
});
