import { LaneRoleSetting } from '../components/LaneRoleSetting.js';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { ApiResults } from '../../src-shared/contracts/api.js';
import type { Session, Slot, Zone } from '../../src-shared/contracts/entities.js';
import { call } from '../api/client.js';
import { CheckField, TextField } from '../components/Field.js';
import { errorText, useT } from '../i18n/index.js';
import { useKioskEvent } from '../lib/events.js';
import { formatINR, paiseToRupeesText, rupeesToPaise } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useApiAction } from '../lib/use-api-action.js';
import { FlaggedPaymentsPanel } from './FlaggedPaymentsPanel.js';
import { TaxSettingsForm } from '../components/TaxSettingsForm.js';
import { StorageCard } from '../components/StorageCard.js';
import { StatusBadge } from './SessionsScreen.js';
import { MerchantsPanel } from '../components/validations/MerchantsPanel.js';

type Tab = 'zones' | 'integrity' | 'cancel' | 'payments' | 'tax' | 'merchants' | 'lane';

export function SupervisorScreen() {
  const t = useT();
  const [tab, setTab] = useState<Tab>('zones');
  const tabs: { id: Tab; label: string }[] = [
    { id: 'zones', label: t('sup.zones') },
    { id: 'integrity', label: t('sup.integrity') },
    { id: 'cancel', label: t('sup.cancel') },
    { id: 'payments', label: t('sup.flagged') },
    { id: 'tax', label: t('sup.tax') },
    { id: 'merchants', label: t('merchants.tab') },
    { id: 'lane', label: t('laneRole.tab') },
  ];
  return (
    <div className="screen screen-supervisor">
      <h1 className="screen-title">{t('sup.title')}</h1>
      <div className="subtabs" role="tablist" aria-label={t('sup.tabs')}>
        {tabs.map((x) => (
          <button
            key={x.id}
            type="button"
            role="tab"
            id={`sup-tab-${x.id}`}
            aria-selected={tab === x.id}
            aria-controls={`sup-panel-${x.id}`}
            className={`subtab ${tab === x.id ? 'is-active' : ''}`}
            onClick={() => setTab(x.id)}
          >
            {x.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`sup-panel-${tab}`} aria-labelledby={`sup-tab-${tab}`}>
        {tab === 'zones' && <ZonesPanel />}
        {tab === 'integrity' && <IntegrityPanel />}
        {tab === 'cancel' && <CancelPanel />}
        {tab === 'payments' && <FlaggedPaymentsPanel />}
        {tab === 'tax' && <TaxSettingsForm />}
        {tab === 'merchants' && <MerchantsPanel />}
        {tab === 'lane' && <LaneRoleSetting />}
      </div>
    </div>
  );
}

interface ZoneDraft {
  name: string;
  rate: string;
  grace: string;
  dailyCap: string;
  lostFee: string;
  exitGrace: string;
  active: boolean;
}

function draftOf(z: Zone): ZoneDraft {
  return {
    name: z.name,
    rate: paiseToRupeesText(z.hourlyRatePaise),
    grace: String(z.tariff.graceMinutes),
    dailyCap: paiseToRupeesText(z.tariff.dailyCapPaise),
    lostFee: paiseToRupeesText(z.tariff.lostTicketFeePaise),
    exitGrace: String(z.tariff.exitGraceMinutes),
    active: z.isActive,
  };
}

function toInput(d: ZoneDraft) {
  const int = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : undefined);
  const money = (s: string) => (s.trim() === '' ? null : rupeesToPaise(s));
  return {
    name: d.name.trim(),
    hourlyRatePaise: rupeesToPaise(d.rate) ?? 0,
    isActive: d.active,
    tariff: {
      graceMinutes: int(d.grace) ?? 5,
      dailyCapPaise: money(d.dailyCap),
      lostTicketFeePaise: money(d.lostFee),
      exitGraceMinutes: int(d.exitGrace) ?? 0,
    },
  };
}

function ZoneForm({ initial, submitLabel, onSubmit }: { initial: ZoneDraft; submitLabel: string; onSubmit(d: ZoneDraft): Promise<void> }) {
  const t = useT();
  const [d, setD] = useState(initial);
  const saving = useApiAction();
  const [saved, setSaved] = useState(false);
  useEffect(() => setD(initial), [initial]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const done = await saving.run(async () => {
      await onSubmit(d);
      return true;
    });
    if (done) setSaved(true);
  };
  const f = (k: keyof ZoneDraft) => (v: string) => setD({ ...d, [k]: v });
  return (
    <form className="zone-form" onSubmit={(e) => void submit(e)}>
      <div className="form-grid">
        <TextField label={t('zone.name')} value={d.name} onValue={f('name')} />
        <TextField label={t('zone.rate')} value={d.rate} onValue={f('rate')} inputMode="decimal" />
        <TextField label={t('zone.grace')} value={d.grace} onValue={f('grace')} inputMode="numeric" />
        <TextField label={t('zone.exitGrace')} value={d.exitGrace} onValue={f('exitGrace')} inputMode="numeric" />
        <TextField label={t('zone.dailyCap')} value={d.dailyCap} onValue={f('dailyCap')} inputMode="decimal" />
        <TextField label={t('zone.lostFee')} value={d.lostFee} onValue={f('lostFee')} inputMode="decimal" />
      </div>
      <div className="form-row sticky-actions">
        <CheckField label={t('zone.active')} checked={d.active} onChecked={(active) => setD({ ...d, active })} />
        <button data-main-action type="submit" className="btn btn-primary" disabled={saving.busy || !d.name.trim() || rupeesToPaise(d.rate) === null} aria-busy={saving.busy}>
          {submitLabel}
        </button>
        {saved && <span className="saved" role="status">{t('common.saved')}</span>}
      </div>
      {saving.error != null && <div className="notice notice-error" role="alert">{errorText(t, saving.error)}</div>}
    </form>
  );
}

const EMPTY_ZONE: ZoneDraft = { name: '', rate: '', grace: '5', dailyCap: '', lostFee: '', exitGrace: '15', active: true };

function ZonesPanel() {
  const t = useT();
  const [zones, setZones] = useState<Zone[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);

  const load = useCallback(async () => {
    try {
      const list = await call('zones.list', { includeInactive: true });
      setZones(list);
      setOpen((cur) => cur ?? list[0]?.id ?? null);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useKioskEvent((e) => {
    if (e.type === 'session.changed') void load();
  });

  const zone = zones?.find((z) => z.id === open) ?? null;
  return (
    <div className="sup-zones">
      {error !== null && <div className="notice notice-error" role="alert">{errorText(t, error)}</div>}
      <div className="zone-cards" data-testid="zones">
        {zones?.map((z) => (
          <button
            key={z.id}
            type="button"
            className={`zone-card ${open === z.id ? 'is-selected' : ''} ${z.isActive ? '' : 'is-inactive'}`}
            onClick={() => setOpen(z.id)}
            aria-pressed={open === z.id}
            data-testid={`zone-card-${z.name}`}
          >
            <span className="zone-card-name">{z.name}</span>
            <span className="zone-card-rate">{t('entry.zoneRate', { rate: formatINR(z.hourlyRatePaise) })}</span>
            <span className="zone-card-occ" data-testid={`zone-occupancy-${z.name}`}>
              {t('zone.occupancy', { used: z.totalSlots - z.availableSlots, total: z.totalSlots })}
            </span>
            <span className="meter" aria-hidden="true">
              <span className="meter-fill" style={{ width: `${z.totalSlots ? ((z.totalSlots - z.availableSlots) / z.totalSlots) * 100 : 0}%` }} />
            </span>
            {!z.isActive && <span className="tag tag-warn">{t('zone.inactive')}</span>}
          </button>
        ))}
        <button data-main-action type="button" className="zone-card zone-card-add" onClick={() => setAdding((a) => !a)}>
          + {t('zone.add')}
        </button>
      </div>
      {adding && (
        <section className="card" aria-labelledby="new-zone-title">
          <h2 id="new-zone-title" className="card-title">{t('zone.newTitle')}</h2>
          <ZoneForm
            initial={EMPTY_ZONE}
            submitLabel={t('zone.add')}
            onSubmit={async (d) => {
              const z = await call('zones.create', toInput(d));
              sounds.success();
              setAdding(false);
              setOpen(z.id);
              await load();
            }}
          />
        </section>
      )}
      {zone && (
        <div className="zone-detail">
          <section className="card" aria-labelledby="zone-edit-title">
            <h2 id="zone-edit-title" className="card-title">{zone.name}</h2>
            <ZoneForm
              initial={draftOf(zone)}
              submitLabel={t('common.save')}
              onSubmit={async (d) => {
                await call('zones.update', { zoneId: zone.id, ...toInput(d) });
                sounds.success();
                await load();
              }}
            />
          </section>
          <SlotsPanel zone={zone} onChanged={() => void load()} />
        </div>
      )}
    </div>
  );
}

function SlotsPanel({ zone, onChanged }: { zone: Zone; onChanged(): void }) {
  const t = useT();
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [numbers, setNumbers] = useState('');
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const creating = useApiAction();

  const load = useCallback(async () => {
    try {
      setSlots(await call('slots.list', { zoneId: zone.id }));
    } catch {
      setSlots([]);
    }
  }, [zone.id]);
  useEffect(() => {
    setSlots(null);
    void load();
  }, [load, zone.availableSlots, zone.totalSlots]);
  useKioskEvent((e) => {
    if (e.type === 'session.changed') void load();
  });

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const list = numbers.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);
    if (list.length === 0) return;
    setMsg(null);
    const created = await creating.run(() => call('slots.create', { zoneId: zone.id, slotNumbers: list }), (err) => setMsg({ ok: false, text: errorText(t, err) }));
    if (!created) return;
    sounds.success();
    setNumbers('');
    setMsg({ ok: true, text: t('slots.added', { count: created.length }) });
    await load();
    onChanged();
  };

  return (
    <section className="card" aria-labelledby="slots-title">
      <h2 id="slots-title" className="card-title">{t('slots.title', { zone: zone.name })}</h2>
      <ul className="slot-grid" data-testid="slot-grid">
        {slots?.map((s) => (
          <li key={s.id} className={`slot ${s.isOccupied ? 'slot-occupied' : 'slot-free'}`} data-testid={`slot-${s.slotNumber}`} data-occupied={s.isOccupied}>
            <span className="slot-number">{s.slotNumber}</span>
            <span className="slot-state">{s.isOccupied ? s.currentVehicle ?? t('slots.occupied') : t('slots.free')}</span>
          </li>
        ))}
      </ul>
      <form className="inline-form" onSubmit={(e) => void add(e)}>
        <TextField label={t('slots.new')} value={numbers} onValue={setNumbers} autoComplete="off" />
        <button type="submit" className="btn btn-primary" disabled={creating.busy || !numbers.trim()} aria-busy={creating.busy}>{t('slots.create')}</button>
      </form>
      {msg && <p className={`notice ${msg.ok ? 'notice-ok' : 'notice-error'}`} role="status">{msg.text}</p>}
    </section>
  );
}

function IntegrityPanel() {
  const t = useT();
  const [result, setResult] = useState<ApiResults['integrity.check'] | null>(null);
  const [audit, setAudit] = useState<ApiResults['audit.verify'] | null>(null);
  const { busy, error, run: runAction } = useApiAction();
  const run = () => runAction(async () => {
    const [r, a] = await Promise.all([call('integrity.check', {}), call('audit.verify', {}).catch(() => null)]);
    setResult(r);
    setAudit(a);
    if (r.ok && (a?.ok ?? true)) sounds.success();
    else sounds.failure();
  });
  return (
    <section className="card" aria-label={t('sup.integrity')}>
      <button data-main-action type="button" className="btn btn-primary btn-lg" onClick={() => void run()} disabled={busy}>
        {busy ? t('common.loading') : t('integrity.run')}
      </button>
      {error !== null && <div className="notice notice-error" role="alert">{errorText(t, error)}</div>}
      {result && (
        <div className={`notice ${result.ok ? 'notice-ok' : 'notice-error'}`} data-testid="integrity-result" role="status">
          <strong>{result.ok ? t('integrity.ok') : t('integrity.problems', { count: result.findings.length })}</strong>
          {result.findings.length > 0 && (
            <ul className="plain-list">
              {result.findings.map((f, i) => (
                <li key={i}>
                  <code>{f.check}</code> — {f.message} {f.ids.length > 0 && <small>({f.ids.slice(0, 5).join(', ')})</small>}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {audit && (
        <div className={`notice ${audit.ok ? 'notice-ok' : 'notice-error'}`}>
          <strong>{t('integrity.audit')}: </strong>
          {audit.ok ? t('integrity.auditOk', { count: audit.checked }) : t('integrity.auditBroken', { id: audit.brokenAt ?? '?' })}
        </div>
      )}
      <StorageCard />
    </section>
  );
}

function CancelPanel() {
  const t = useT();
  const [lookup, setLookup] = useState('');
  const [session, setSession] = useState<Session | null>(null);
  const [refund, setRefund] = useState<ApiResults['sessions.refundCheck'] | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const find = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(null);
    setSession(null);
    setRefund(null);
    const q = lookup.trim();
    if (!q) return;
    try {
      let s: Session;
      try {
        s = await call('sessions.get', { code: q });
      } catch (byCode) {
        // Not a ticket code: try it as a vehicle number / slot / id.
        const first = (await call('sessions.list', { q, limit: 1 })).items[0];
        if (!first) throw byCode;
        s = first;
      }
      setSession(s);
      setRefund(await call('sessions.refundCheck', { sessionId: s.id }));
    } catch (err) {
      setError(err);
    }
  };

  const cancel = async () => {
    if (!session) return;
    setBusy(true);
    setError(null);
    try {
      const r = await call('sessions.cancel', { sessionId: session.id, reason: reason.trim() });
      sounds.success();
      setSession(r.session);
      setDone(t('cancel.done', { amount: formatINR(r.refundPaise) }));
      setReason('');
    } catch (err) {
      sounds.failure();
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const cancellable = session && (session.status === 'BOOKED' || session.status === 'PARKED' || session.status === 'EXITING');
  return (
    <section className="card" aria-label={t('sup.cancel')}>
      <form className="inline-form" onSubmit={(e) => void find(e)}>
        <TextField label={t('cancel.lookup')} value={lookup} onValue={setLookup} autoComplete="off" />
        <button data-main-action type="submit" className="btn btn-primary">{t('cancel.find')}</button>
      </form>
      {error !== null && <div className="notice notice-error" role="alert">{errorText(t, error)}</div>}
      {session && (
        <div className="cancel-detail" data-testid="cancel-detail">
          <p className="facts-strong">
            {session.vehicleNumber} · {session.zoneName} / {session.slotNumber} <StatusBadge status={session.status} />
          </p>
          {refund && !done && (
            <p className={`notice ${refund.eligible ? 'notice-ok' : 'notice-warn'}`}>
              {refund.eligible ? t('cancel.eligible', { amount: formatINR(refund.refundPaise) }) : t('cancel.notEligible', { reason: refund.reason })}
            </p>
          )}
          {done && <p className="notice notice-ok" role="status">{done}</p>}
          {!done &&
            (cancellable ? (
              <div className="inline-form">
                <TextField label={t('cancel.reason')} value={reason} onValue={setReason} autoComplete="off" />
                <button type="button" className="btn btn-danger" disabled={busy || reason.trim().length < 3} onClick={() => void cancel()}>
                  {t('cancel.confirm')}
                </button>
              </div>
            ) : (
              <p className="muted">{t('cancel.notCancellable', { status: t(`status.${session.status}`) })}</p>
            ))}
        </div>
      )}
    </section>
  );
}
