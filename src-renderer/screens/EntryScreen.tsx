import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Session, Zone } from '../../src-shared/contracts/entities.js';
import { normaliseVehicleNumber } from '../../src-shared/contracts/vehicle-number.js';
import { call, isApiError } from '../api/client.js';
import { CameraPanel } from '../components/CameraPanel.js';
import { TextField } from '../components/Field.js';
import { ResultBanner } from '../components/ResultBanner.js';
import { TicketView } from '../components/TicketView.js';
import { errorCode, errorHeadline, errorText, serverDetail, useT } from '../i18n/index.js';
import { useKioskEvent } from '../lib/events.js';
import { formatINR } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useApiAction } from '../lib/use-api-action.js';
import { useKeyboardWedge } from '../lib/use-wedge.js';
import { isPassCodeText, passEntry } from '../passes/gate-scan.js';

type Outcome =
  | { kind: 'ok'; session: Session; seq: number; code: string; issued: boolean }
  | { kind: 'error'; error: unknown; seq: number; code: string };

const VEHICLE_RE = /^[A-Z0-9]{3,15}$/;

export function EntryScreen({ camera = true }: { camera?: boolean }) {
  const t = useT();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const scanning = useApiAction();
  const busy = scanning.busy;
  const [manual, setManual] = useState('');
  const [zones, setZones] = useState<Zone[] | null>(null);
  const [zoneId, setZoneId] = useState<string>('');
  const [vehicle, setVehicle] = useState('');
  const [owner, setOwner] = useState('');
  const issuing = useApiAction();
  const [ticket, setTicket] = useState<Session | null>(null);
  const seq = useRef(0);

  const loadZones = useCallback(async () => {
    try {
      const list = (await call('zones.list', {})).filter((z) => z.isActive);
      setZones(list);
      setZoneId((cur) => (cur && list.some((z) => z.id === cur) ? cur : (list.find((z) => z.availableSlots > 0) ?? list[0])?.id ?? ''));
    } catch {
      setZones((z) => z ?? []);
    }
  }, []);

  useEffect(() => {
    void loadZones();
  }, [loadZones]);
  useKioskEvent((e) => {
    if (e.type === 'session.changed') void loadZones();
  });

  const { run: runScan } = scanning;
  const scan = useCallback(
    async (raw: string) => {
      const code = raw.trim();
      if (!code) return;
      let n = 0;
      await runScan(async () => {
        n = ++seq.current;
        const session = isPassCodeText(code) ? await passEntry(code) : await call('gate.scanEntry', { code });
        sounds.success();
        setOutcome({ kind: 'ok', session, seq: n, code, issued: false });
        void loadZones();
      }, (error) => setOutcome({ kind: 'error', error, seq: n, code }));
    },
    [loadZones, runScan],
  );

  useKeyboardWedge((code) => void scan(code));

  const submitManual = (e: FormEvent) => {
    e.preventDefault();
    const code = manual;
    setManual('');
    void scan(code);
  };

  const vehicleNorm = normaliseVehicleNumber(vehicle);
  const vehicleOk = VEHICLE_RE.test(vehicleNorm);

  const issue = async (e: FormEvent) => {
    e.preventDefault();
    if (!vehicleOk || !zoneId) return;
    await issuing.run(async () => {
      const session = await call('gate.issueTicket', {
        vehicleNumber: vehicleNorm,
        zoneId,
        ...(owner.trim() ? { ownerName: owner.trim() } : {}),
      });
      sounds.success();
      setTicket(session);
      setOutcome({ kind: 'ok', session, seq: ++seq.current, code: session.code, issued: true });
      setVehicle('');
      setOwner('');
      void loadZones();
    });
  };

  return (
    <div className="screen screen-entry">
      <div className="col col-scan">
        <h1 className="screen-title">{t('entry.scanTitle')}</h1>
        <div className="result-slot">
          {busy ? (
            <ResultBanner kind="info" title={t('scan.working')} />
          ) : outcome ? (
            <EntryOutcome outcome={outcome} />
          ) : (
            <div className="ready" data-testid="scan-ready">
              <span className="ready-dot" aria-hidden="true" />
              {t('scan.wedgeReady')}
            </div>
          )}
        </div>
        {/* The typed code keeps its place under the result; the camera below gives way on a short screen. */}
        <form className="inline-form" onSubmit={submitManual}>
          <TextField label={t('scan.code')} value={manual} onValue={setManual} autoComplete="off" spellCheck={false} />
          <button data-main-action type="submit" className="btn btn-primary" disabled={!manual.trim() || busy}>
            {t('entry.manualSubmit')}
          </button>
        </form>
        {camera && <CameraPanel onCode={(c) => void scan(c)} />}
      </div>

      <div className="col col-side">
        {ticket ? (
          <TicketView session={ticket} onDone={() => setTicket(null)} />
        ) : (
          <form className="card walkin" onSubmit={(e) => void issue(e)} aria-labelledby="walkin-title">
            <h2 id="walkin-title" className="card-title">{t('entry.walkInTitle')}</h2>
            <TextField
              label={t('entry.vehicle')}
              value={vehicle}
              onValue={setVehicle}
              placeholder={t('entry.vehiclePlaceholder')}
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              className="field-vehicle"
            />
            <TextField label={t('entry.owner')} value={owner} onValue={setOwner} autoComplete="off" />
            <fieldset className="zone-picker">
              <legend>{t('entry.zone')}</legend>
              {zones === null && <p className="muted">{t('common.loading')}</p>}
              {zones?.length === 0 && <p className="muted">{t('entry.noZones')}</p>}
              <div className="zone-options">
                {zones?.map((z) => {
                  const full = z.availableSlots <= 0;
                  return (
                    <label key={z.id} className={`zone-option ${zoneId === z.id ? 'is-selected' : ''} ${full ? 'is-full' : ''}`}>
                      <input type="radio" name="zone" value={z.id} checked={zoneId === z.id} disabled={full} onChange={() => setZoneId(z.id)} />
                      <span className="zone-option-name">{z.name}</span>
                      <span className="zone-option-free" data-testid={`zone-free-${z.name}`}>
                        {full ? t('entry.zoneFull') : t('entry.zoneFree', { free: z.availableSlots, total: z.totalSlots })}
                      </span>
                      <span className="zone-option-rate">{t('entry.zoneRate', { rate: formatINR(z.hourlyRatePaise) })}</span>
                    </label>
                  );
                })}
              </div>
            </fieldset>
            {issuing.error !== null && (
              <div className="notice notice-error" role="alert">
                {errorText(t, issuing.error)}
                {isApiError(issuing.error) && issuing.error.code === 'VALIDATION_FAILED' && serverDetail(issuing.error) && <small>{serverDetail(issuing.error)}</small>}
              </div>
            )}
            <button data-main-action type="submit" className="btn btn-primary btn-xl" disabled={!vehicleOk || !zoneId || issuing.busy}>
              {issuing.busy ? t('entry.issuing') : t('entry.issue')}
            </button>
          </form>
        )}
      </div>
    </div>
  );
}

function EntryOutcome({ outcome }: { outcome: Outcome }) {
  const t = useT();
  if (outcome.kind === 'ok') {
    const s = outcome.session;
    return (
      <ResultBanner
        kind="ok"
        title={outcome.issued ? t('entry.issuedTitle') : t('entry.okTitle')}
        big={t('entry.okSlot', { slot: s.slotNumber })}
        lines={[t('entry.okDetail', { vehicle: s.vehicleNumber, zone: s.zoneName })]}
        scanSeq={outcome.seq}
        code={outcome.code}
      />
    );
  }
  return (
    <ResultBanner
      kind="error"
      title={t('entry.failTitle')}
      big={errorHeadline(t, outcome.error)}
      errorCode={errorCode(outcome.error)}
      lines={[errorText(t, outcome.error)]}
      scanSeq={outcome.seq}
      code={outcome.code}
    />
  );
}
