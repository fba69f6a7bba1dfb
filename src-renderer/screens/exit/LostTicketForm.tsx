/** A driver without a ticket: find the open session by the vehicle number. */
import { useState, type FormEvent } from 'react';
import { normaliseVehicleNumber } from '../../../src-shared/contracts/vehicle-number.js';
import { TextField } from '../../components/Field.js';
import { useT } from '../../i18n/index.js';

export function LostTicketForm({ onFind, onCancel }: { onFind(vehicle: string): void; onCancel(): void }) {
  const t = useT();
  const [vehicle, setVehicle] = useState('');
  const norm = normaliseVehicleNumber(vehicle);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (norm.length >= 3) onFind(norm);
  };
  return (
    <form className="card" onSubmit={submit} aria-labelledby="lost-title">
      <h2 id="lost-title" className="card-title">{t('exit.lostTitle')}</h2>
      <TextField label={t('entry.vehicle')} value={vehicle} onValue={setVehicle} autoComplete="off" autoCapitalize="characters" autoFocus className="field-vehicle" />
      <div className="pay-actions">
        <button type="button" className="btn btn-secondary btn-lg" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary btn-xl" disabled={norm.length < 3}>
          {t('exit.lostSearch')}
        </button>
      </div>
    </form>
  );
}
