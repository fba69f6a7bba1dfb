/** Disk usage and the oldest local records (system.health `storage`), with the low-space alert. */
import { useEffect, useState } from 'react';
import type { StorageHealth } from '../../src-shared/contracts/entities.js';
import { call } from '../api/client.js';
import { useT } from '../i18n/index.js';
import { formatDateTime } from '../lib/format.js';
import { useLanguage } from '../stores/language.js';

function bytesText(n: number | null): string {
  if (n === null) return '—';
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(1)} GB`;
}

export function StorageCard() {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const [storage, setStorage] = useState<StorageHealth | null>(null);
  useEffect(() => {
    let alive = true;
    const load = () => call('system.health', {}).then((h) => alive && setStorage(h.storage ?? null)).catch(() => undefined);
    void load();
    const timer = setInterval(() => void load(), 30_000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);
  if (!storage) return null;
  const rows: [string, string][] = [
    [t('storage.database'), bytesText(storage.databaseBytes)],
    [t('storage.archive'), bytesText(storage.archiveBytes)],
    [t('storage.free'), bytesText(storage.freeBytes)],
    [t('storage.oldestSession'), formatDateTime(storage.oldestSessionAt, lang)],
    [t('storage.oldestAudit'), formatDateTime(storage.oldestAuditAt, lang)],
  ];
  return (
    <section className="card" aria-label={t('storage.title')} data-testid="storage-card">
      <h2>{t('storage.title')}</h2>
      {storage.lowSpace && (
        <div className="notice notice-error" role="alert" data-testid="storage-low">
          {t('storage.low', { free: bytesText(storage.freeBytes), limit: bytesText(storage.alertBelowBytes) })}
        </div>
      )}
      <dl className="plain-list">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
