/** `npm run serve`, `doctor` and `backup` as real processes. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'parkgate-cli-'));
const db = join(dir, 'kiosk.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TSX = ['--import', 'tsx', 'src-main/cli.ts'];

function startServe(args: string[]): Promise<{ url: string; stop(): Promise<number | null> }> {
  const child = spawn(process.execPath, [...TSX, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no ready line: ${out}`)), 30_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1]!,
          stop: () => new Promise((r) => { child.once('exit', (code) => r(code)); child.kill('SIGTERM'); }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

describe('serve', () => {
  it('prints the ready line, answers the contract with --seed-demo, and stops cleanly on SIGTERM', async () => {
    const s = await startServe(['--db', db, '--port', '0', '--seed-demo']);
    const health = await (await fetch(`${s.url}/api/v1/system.health`, { method: 'POST', body: '{}' })).json();
    expect(health).toMatchObject({ ok: true, data: { db: 'ok', online: false } });
    const login = await (await fetch(`${s.url}/api/v1/auth.login`, { method: 'POST', body: JSON.stringify({ username: 'attendant', pin: '2468' }) })).json();
    expect(login.data.operator.role).toBe('ATTENDANT');
    const zones = await (await fetch(`${s.url}/api/v1/zones.list`, {
      method: 'POST', body: '{}', headers: { Authorization: `Bearer ${login.data.token}` },
    })).json();
    expect(zones.data.map((z: any) => [z.name, z.totalSlots, z.hourlyRatePaise])).toEqual([['A', 10, 4000], ['B', 5, 2000]]);
    const clock = await fetch(`${s.url}/api/v1/dev.setClock`, { method: 'POST', body: JSON.stringify({ now: '2026-01-01T00:00:00Z' }) });
    expect(clock.status).toBe(404);
    expect(await s.stop()).toBe(0);
  });

  it('refuses a port that is not a number', () => {
    const r = spawnSync(process.execPath, [...TSX, 'serve', '--db', db, '--port', 'eighty'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--port/);
  });
});

describe('doctor and backup', () => {
  it('doctor passes on a healthy database and fails (exit 1) on a broken one', async () => {
    const ok = spawnSync(process.execPath, [...TSX, 'doctor', '--db', db], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).integrity.ok).toBe(true);
  });

  it('backup copies the database online and verifies the copy', () => {
    const out = join(dir, 'backups', 'copy.db');
    const r = spawnSync(process.execPath, [...TSX, 'backup', '--db', db, '--out', out], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({ verified: true, problems: [] });
    expect(statSync(out).size).toBeGreaterThan(0);
  });

  it('doctor exits 1 when an invariant is broken', async () => {
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(db);
    raw.prepare(`UPDATE slots SET current_session_id = 'ghost' WHERE rowid = 1`).run();
    raw.close();
    const bad = spawnSync(process.execPath, [...TSX, 'doctor', '--db', db], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).integrity.findings[0].check).toBe('occupied_slots_without_session');
  });
});
