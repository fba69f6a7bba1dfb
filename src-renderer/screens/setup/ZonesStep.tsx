/**
 * First-run setup: zones and rates, so a new admin does not end on "No open zones". Each zone gets
 * a name, a number of slots (numbered <name>-01...), an hourly rate and a lost-ticket fee (a zone
 * without one refuses lost-ticket exits). Zones already present (synced, or made earlier) are listed
 * and let the admin go on; at least one is needed.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { Zone } from '../../../src-shared/contracts/entities.js';
import { call } from '../../api/client.js';
import { TextField } from '../../components/Field.js';
import { errorText, useT } from '../../i18n/index.js';
import { formatINR, rupeesToPaise } from '../../lib/format.js';
import { useApiAction } from '../../lib/use-api-action.js';

const MAX_SLOTS = 1000;

export function slotNumbersFor(zoneName: string, count: number): string[] {
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => `${zoneName}-${String(i + 1).padStart(width, '0')}`);
}

export function ZonesStep({ onDone }: { onDone(): void }) {
  const t = useT();
  const [zones, setZones] = useState<Zone[]>([]);
  const [name, setName] = useState('A');
  const [slots, setSlots] = useState('10');
  const [rate, setRate] = useState('');
  const [lostFee, setLostFee] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const save = useApiAction();

  const load = () => call('zones.list', { includeInactive: true }).then(setZones, () => setZones([]));
  useEffect(() => {
    void load();
  }, []);

  const add = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const count = Number(slots);
    const ratePaise = rupeesToPaise(rate);
    const feePaise = rupeesToPaise(lostFee);
    if (!name.trim()) return setProblem(t('setupZones.nameRequired'));
    if (!Number.isInteger(count) || count < 1 || count > MAX_SLOTS) return setProblem(t('setupZones.slotsRule', { max: MAX_SLOTS }));
    if (ratePaise === null) return setProblem(t('setupZones.rateRule'));
    if (feePaise === null) return setProblem(t('setupZones.lostFeeRule'));
    await save.run(async () => {
      const zone = await call('zones.create', { name: name.trim(), hourlyRatePaise: ratePaise, tariff: { lostTicketFeePaise: feePaise } });
      await call('slots.create', { zoneId: zone.id, slotNumbers: slotNumbersFor(zone.name, count) });
      await load();
      setName('');
      setRate('');
      setLostFee('');
    });
  };

  const error = problem ?? (save.error !== null ? errorText(t, save.error) : null);
  return (
    <form className="login-card setup-card" onSubmit={(e) => void add(e)} aria-labelledby="zones-title" data-testid="setup-step-zones">
      <h1 id="zones-title">{t('setupZones.title')}</h1>
      <p className="muted">{t('setupZones.intro')}</p>
      {zones.length > 0 && (
        <ul className="plain-list" data-testid="setup-zones-list">
          {zones.map((z) => (
            <li key={z.id}>
              {t('setupZones.line', {
                name: z.name, slots: z.totalSlots, rate: formatINR(z.hourlyRatePaise),
                lost: z.tariff.lostTicketFeePaise === null ? t('setupZones.noLostFee') : formatINR(z.tariff.lostTicketFeePaise),
              })}
            </li>
          ))}
        </ul>
      )}
      <TextField label={t('setupZones.name')} value={name} onValue={setName} maxLength={40} autoComplete="off" />
      <TextField label={t('setupZones.slots')} value={slots} onValue={(v) => setSlots(v.replace(/\D/g, '').slice(0, 4))} inputMode="numeric" />
      <TextField label={t('setupZones.rate')} value={rate} onValue={setRate} inputMode="decimal" />
      <TextField label={t('setupZones.lostFee')} value={lostFee} onValue={setLostFee} inputMode="decimal" hint={t('setupZones.lostFeeHint')} />
      {error && <div className="notice notice-error" role="alert">{error}</div>}
      <div className="pay-actions setup-actions">
        <button type="submit" className="btn btn-secondary btn-lg" disabled={save.busy}>{t('setupZones.add')}</button>
        <button type="button" className="btn btn-primary btn-xl" disabled={save.busy || zones.length === 0} onClick={onDone}>{t('setup.next')}</button>
      </div>
    </form>
  );
}
