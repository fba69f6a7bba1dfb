/**
 * A driver without a readable ticket: find the car by its plate (gate.findByPlate), pick it when
 * the plate is ambiguous (two cars, a look-alike plate: never guessed), then either the fee by
 * plate (gate.quoteByPlate, up to the facility's limit) or a lost-ticket exit with the proof, a
 * reason and, above the limit, a supervisor's username + PIN (gate.lostTicket). The core decides
 * every rule; this form only collects what it asks for.
 */
import { useState, type FormEvent } from 'react';
import type { Quote } from '../../../src-shared/contracts/entities.js';
import { LOST_TICKET_PROOFS, type LostTicketProof, type PlateCandidate } from '../../../src-shared/contracts/plate.js';
import { normaliseVehicleNumber } from '../../../src-shared/contracts/vehicle-number.js';
import { call, isApiError } from '../../api/client.js';
import { errorText, useT } from '../../i18n/index.js';
import { formatDateTime } from '../../lib/format.js';
import { useApiAction } from '../../lib/use-api-action.js';
import { useLanguage } from '../../stores/language.js';
import { SelectField, TextField } from '../Field.js';

interface Props {
  /** May the operator take a lost-ticket exit (cashier and above)? */
  cashier: boolean;
  onQuote(quote: Quote, lost: boolean): void;
  onCancel(): void;
}

function needsSupervisor(e: unknown): boolean {
  return isApiError(e) && (e.key === 'lostTicket.supervisorRequired' || e.key?.startsWith('supervisor.') === true);
}

export function PlateExitPanel({ cashier, onQuote, onCancel }: Props) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  const action = useApiAction();
  const [plate, setPlate] = useState('');
  const [candidates, setCandidates] = useState<PlateCandidate[] | null>(null);
  const [chosen, setChosen] = useState<PlateCandidate | null>(null);
  const [proof, setProof] = useState<LostTicketProof>('RC');
  const [proofNote, setProofNote] = useState('');
  const [reason, setReason] = useState('');
  const [supUser, setSupUser] = useState('');
  const [supPin, setSupPin] = useState('');
  const [askSupervisor, setAskSupervisor] = useState(false);
  const norm = normaliseVehicleNumber(plate);

  const find = (e: FormEvent) => {
    e.preventDefault();
    if (norm.length < 3) return;
    setChosen(null);
    setAskSupervisor(false);
    void action.run(async () => {
      const r = await call('gate.findByPlate', { vehicleNumber: norm });
      setCandidates(r.candidates);
      const only = r.candidates.find((c) => c.sessionId === r.unique);
      if (only) setChosen(only);
    });
  };

  const byPlate = () => {
    if (!chosen) return;
    void action.run(async () => onQuote(await call('gate.quoteByPlate', { vehicleNumber: norm, sessionId: chosen.sessionId }), false));
  };

  const lost = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    void action.run(async () => {
      const quote = await call('gate.lostTicket', {
        vehicleNumber: norm, sessionId: chosen.sessionId, proof, reason: reason.trim(),
        ...(proofNote.trim() ? { proofNote: proofNote.trim() } : {}),
        ...(askSupervisor && supUser.trim() && supPin ? { supervisorUsername: supUser.trim(), supervisorPin: supPin } : {}),
      });
      onQuote(quote, true);
    }, (err) => {
      if (needsSupervisor(err)) setAskSupervisor(true);
      setSupPin('');
    });
  };

  return (
    <section className="card" aria-labelledby="plate-title" data-testid="plate-exit">
      <h2 id="plate-title" className="card-title">{t('desk.plate.title')}</h2>
      <form className="inline-form" onSubmit={find}>
        <TextField label={t('entry.vehicle')} value={plate} onValue={setPlate} autoComplete="off" autoCapitalize="characters" autoFocus className="field-vehicle" />
        <button type="submit" className="btn btn-primary" disabled={norm.length < 3 || action.busy}>{t('desk.plate.find')}</button>
      </form>
      {candidates && candidates.length > 1 && <p className="muted">{t('desk.plate.pick')}</p>}
      {candidates && candidates.length > 0 && (
        <ul className="plain-list" data-testid="plate-candidates">
          {candidates.map((c) => (
            <li key={c.sessionId}>
              <button type="button" className={`btn btn-block ${chosen?.sessionId === c.sessionId ? 'btn-primary' : 'btn-secondary'}`}
                aria-pressed={chosen?.sessionId === c.sessionId} onClick={() => setChosen(c)}>
                {t('desk.plate.candidate', { plate: c.vehicleNumber, zone: c.zoneName, slot: c.slotNumber, time: formatDateTime(c.entryAt, lang) })}{' '}
                <span className={`tag ${c.match === 'NEAR' ? 'tag-warn' : ''}`}>{t(`desk.plate.${c.match}`)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {chosen && (
        <>
          <p className="facts-strong" data-testid="plate-chosen">{t('desk.plate.chosen', { plate: chosen.vehicleNumber, zone: chosen.zoneName, slot: chosen.slotNumber })}</p>
          <div className="pay-actions">
            <button type="button" className="btn btn-primary btn-lg" disabled={action.busy} onClick={byPlate}>{t('desk.plate.showFee')}</button>
          </div>
          {cashier && (
            <form onSubmit={lost} aria-labelledby="lost-title" data-testid="lost-form">
              <h3 id="lost-title">{t('desk.lost.title')}</h3>
              <SelectField label={t('desk.lost.proof')} value={proof} onValue={(v) => setProof(v as LostTicketProof)}
                options={LOST_TICKET_PROOFS.map((p) => ({ value: p, label: t(`desk.proof.${p}`) }))} />
              <TextField label={t('desk.lost.proofNote')} value={proofNote} onValue={setProofNote} autoComplete="off" />
              <TextField label={t('desk.lost.reason')} value={reason} onValue={setReason} autoComplete="off" />
              {askSupervisor && (
                <div data-testid="lost-supervisor">
                  <p className="notice notice-warn">{t('desk.lost.supervisorNeeded')}</p>
                  <TextField label={t('desk.supervisor.username')} value={supUser} onValue={setSupUser} autoComplete="off" />
                  <TextField label={t('desk.supervisor.pin')} value={supPin} onValue={(v) => setSupPin(v.replace(/\D/g, '').slice(0, 8))}
                    type="password" inputMode="numeric" autoComplete="off" />
                </div>
              )}
              <div className="pay-actions">
                <button type="submit" className="btn btn-cash btn-lg" disabled={action.busy || reason.trim().length < 3 || (askSupervisor && (!supUser.trim() || supPin.length < 4))}>
                  {t('desk.lost.submit')}
                </button>
              </div>
            </form>
          )}
        </>
      )}
      {action.error !== null && <div className="notice notice-error" role="alert" data-testid="plate-error">{errorText(t, action.error)}</div>}
      <div className="pay-actions">
        <button type="button" className="btn btn-secondary btn-lg" onClick={onCancel}>{t('common.cancel')}</button>
      </div>
    </section>
  );
}
