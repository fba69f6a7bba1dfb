/**
 * First-run enrolment under Electron, end to end through the code the shell runs: the real
 * main.ts (Electron's modules replaced at the module boundary) starts the real core; the wizard's
 * calls go through the shell's IPC handler; the app quits; main.ts starts again in a fresh module
 * graph and must come back enrolled: it reads what the wizard wrote through the core's one secret
 * store (encrypted with the injected safeStorage cipher) and signs its requests to the central
 * server with that secret. A local HTTP peer checks the signature.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { kioskSignatureWithNonce, kioskSigningKey } from '../../src-shared/protocol/kiosk-signing.js';

const h = await vi.hoisted(async () => (await import('./fake-electron.js')).fakeElectron(vi));

vi.mock('electron', async () => (await import('./fake-electron.js')).electronModule(h));
vi.mock('electron-log/main', async () => (await import('./fake-electron.js')).electronLogModule());
vi.mock('electron-updater', () => ({ autoUpdater: { on: vi.fn(), setFeedURL: vi.fn(), checkForUpdates: vi.fn() } }));
// The real core; only its options are recorded.
vi.mock('../../src-main/kiosk.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src-main/kiosk.js')>();
  return {
    ...real,
    createKiosk: async (options: Parameters<typeof real.createKiosk>[0]) => {
      h.state.kioskOptions.push(options);
      return real.createKiosk(options);
    },
  };
});

const SECRET = 'wizard-enrolled-Secret-42';
const KIOSK_ID = 'gate-north-1';
let central: Server;
let centralUrl = '';
const signed: { verified: boolean; kioskId: string | undefined; path: string }[] = [];
let listenersBefore: { exc: NodeJS.UncaughtExceptionListener[]; rej: NodeJS.UnhandledRejectionListener[] };

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts)));
  });
}

/** Starts main.ts in a fresh module graph, as a new process would, and returns its IPC call handler. */
async function startShell(): Promise<(method: string, input: unknown) => Promise<any>> {
  h.state.windows.length = 0;
  h.ipcMain.handle.mockClear();
  vi.resetModules();
  await import('../../src-main/electron/main.js');
  await vi.waitFor(() => expect(h.state.windows.length).toBe(1), { timeout: 30_000 });
  const { IPC_CALL } = await import('../../src-main/electron/constants.js');
  const handler = h.ipcMain.handle.mock.calls.find((c) => c[0] === IPC_CALL)![1];
  const wc = h.state.windows[0]!.webContents;
  return (method, input) => handler({ sender: { id: wc.id }, senderFrame: wc.mainFrame }, method, input);
}

/** What the shell does on quit: closes the core, then quits. */
async function quitShell(): Promise<void> {
  h.app.quit.mockClear();
  const quitListeners = (h.app as any).listeners.get('before-quit') as ((e: { preventDefault(): void }) => void)[];
  quitListeners.at(-1)!({ preventDefault: () => {} });
  await vi.waitFor(() => expect(h.app.quit).toHaveBeenCalled(), { timeout: 30_000 });
}

beforeAll(async () => {
  listenersBefore = { exc: process.listeners('uncaughtException'), rej: process.listeners('unhandledRejection') };
  h.state.dataDir = mkdtempSync(path.join(tmpdir(), 'pg-enrol-data-'));
  h.state.appPath = mkdtempSync(path.join(tmpdir(), 'pg-enrol-app-'));
  mkdirSync(path.join(h.state.appPath, 'dist-renderer'));
  writeFileSync(path.join(h.state.appPath, 'dist-renderer', 'index.html'), '<!doctype html><title>ParkGate</title>');
  delete process.env.PARKGATE_DATA_DIR;
  delete process.env.PARKGATE_SERVER_URL;
  delete process.env.PARKGATE_KIOSK_ID;
  central = createServer((req, res) => {
    void body(req).then((bytes) => {
      const key = kioskSigningKey(SECRET);
      const ts = String(req.headers['x-kiosk-timestamp'] ?? '');
      const nonce = String(req.headers['x-kiosk-nonce'] ?? '');
      const expected = kioskSignatureWithNonce(key, req.method ?? 'GET', req.url ?? '/', ts, nonce, bytes);
      signed.push({ verified: req.headers['x-kiosk-signature'] === expected, kioskId: req.headers['x-kiosk-id'] as string | undefined, path: req.url ?? '' });
      // Busy: the kiosk keeps its events and backs off; the test only needs the signed request.
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"UNAVAILABLE","message":"busy"}}');
    });
  });
  await new Promise<void>((resolve) => central.listen(0, '127.0.0.1', resolve));
  centralUrl = `http://127.0.0.1:${(central.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const l of process.listeners('uncaughtException')) if (!listenersBefore.exc.includes(l)) process.removeListener('uncaughtException', l);
  for (const l of process.listeners('unhandledRejection')) if (!listenersBefore.rej.includes(l)) process.removeListener('unhandledRejection', l);
  await new Promise<void>((resolve) => central.close(() => resolve()));
  rmSync(h.state.dataDir, { recursive: true, force: true });
  rmSync(h.state.appPath, { recursive: true, force: true });
});

describe('Electron: first-run wizard -> restart -> enrolled', () => {
  it('the wizard enrols the kiosk and the restarted shell starts the core with that server, id and secret', async () => {
    const call = await startShell();
    expect(h.state.kioskOptions[0]).not.toHaveProperty('serverUrl');
    expect(h.state.kioskOptions[0]).not.toHaveProperty('kioskSecret');

    // The wizard's calls, as the renderer makes them through the preload bridge.
    expect(await call('auth.setup', { username: 'admin', name: 'Asha Admin', pin: '482913' })).toMatchObject({ ok: true });
    expect(await call('settings.update', { facilityName: 'North Gate', timeZone: 'Asia/Kolkata' })).toMatchObject({ ok: true });
    const saved = await call('settings.update', { serverUrl: centralUrl, kioskId: KIOSK_ID, kioskSecret: SECRET });
    expect(saved).toMatchObject({ ok: true, data: { serverUrl: centralUrl, kioskId: KIOSK_ID, kioskSecretSaved: true } });
    await quitShell();

    // At rest: only ciphertext from the injected keyring cipher, in the one store's file.
    const secretsDir = path.join(h.state.dataDir, 'secrets');
    expect(readdirSync(secretsDir)).toEqual(['kiosk-secret.secret']);
    const raw = readFileSync(path.join(secretsDir, 'kiosk-secret.secret'));
    expect(raw.subarray(0, 6).toString()).toBe('PGS1E:');
    expect(raw.includes(Buffer.from(SECRET))).toBe(false);

    const again = await startShell();
    expect(h.state.kioskOptions[1]).toMatchObject({ serverUrl: centralUrl, kioskId: KIOSK_ID, kioskSecret: SECRET });
    expect(await again('auth.login', { username: 'admin', pin: '482913' })).toMatchObject({ ok: true });
    expect(await again('settings.get', {})).toMatchObject({ ok: true, data: { facilityName: 'North Gate', kioskSecretSaved: true } });

    // Enrolled: the restarted core talks to the central server, signed with the wizard's secret.
    await vi.waitFor(() => expect(signed.length).toBeGreaterThan(0), { timeout: 30_000 });
    expect(signed[0]).toMatchObject({ verified: true, kioskId: KIOSK_ID });
    await quitShell();
  });
});
