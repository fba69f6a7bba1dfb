/** system.health reports storage from the real core: sizes, oldest records, and the low-space flag from PARKGATE_FREE_SPACE_ALERT_MB. */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKiosk } from '../../src-main/kiosk.js';
import { tempDir } from './helpers.js';

describe('records: storage in system.health', () => {
  const t = tempDir();
  afterEach(() => {
    delete process.env.PARKGATE_FREE_SPACE_ALERT_MB;
  });

  it('sizes, oldest records and auto_vacuum; lowSpace follows the configured threshold', async () => {
    const k = await createKiosk({ dbPath: join(t.dir, 'a.db'), seedDemo: true });
    try {
      const h = await k.call('system.health', {});
      if (!h.ok) throw new Error(h.error.message);
      const s = h.data.storage!;
      expect(s.databaseBytes).toBeGreaterThan(0);
      expect(s.freeBytes).toBeGreaterThan(0);
      expect(s.autoVacuum).toBe('incremental');
      expect(s.oldestAuditAt).not.toBeNull();
      expect(s.oldestSessionAt).toBeNull();
    } finally {
      await k.close();
    }
    process.env.PARKGATE_FREE_SPACE_ALERT_MB = String(1024 * 1024 * 1024); // 1 PB: always below
    const k2 = await createKiosk({ dbPath: join(t.dir, 'a.db') });
    try {
      const h = await k2.call('system.health', {});
      if (!h.ok) throw new Error(h.error.message);
      expect(h.data.storage!.lowSpace).toBe(true);
    } finally {
      await k2.close();
      t.cleanup();
    }
  });
});
