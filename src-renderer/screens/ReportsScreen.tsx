/**
 * Reports screen: pick a date, see the day's totals, cars inside and revenue by hour
 * (SVG bar chart), zones, shifts (approve those over tolerance), exceptions with who did them,
 * and export the same report as CSV (zip) or PDF. Every figure comes from reports.daily, the
 * object the CSV and PDF are rendered from, so the three agree.
 */
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { DailyReport, Shift } from '../../src-shared/contracts/entities.js';
import { call } from '../api/client.js';
import { TextField } from '../components/Field.js';
import { errorText, useT } from '../i18n/index.js';
import { formatDay, formatDuration, formatINR } from '../lib/format.js';
import { HourChart } from '../components/desk/HourChart.js';
import { useLanguage } from '../stores/language.js';
import { sounds } from '../lib/sound.js';
import { useApiAction } from '../lib/use-api-action.js';
import { VendExceptionsPanel } from '../lane/VendExceptionsPanel.js';
import { ValidationsReportScreen } from './ValidationsReportScreen.js';

function todayIn(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));
}

/** Saves a base64 file: a download in browser mode; Electron shows its save dialog for downloads. */
export function saveFile(fileName: string, mimeType: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

type ReportView = 'daily' | 'validations';

/** The daily report, or the validations and passes report (a range, with merchant statements). */
export default function ReportsScreen() {
  const t = useT();
  const [view, setView] = useState<ReportView>('daily');
  const views: { id: ReportView; label: string }[] = [
    { id: 'daily', label: t('valReport.tabDaily') },
    { id: 'validations', label: t('valReport.tab') },
  ];
  return (
    <>
      <div className="subtabs" role="tablist" aria-label={t('valReport.views')}>
        {views.map((x) => (
          <button key={x.id} type="button" role="tab" id={`reports-tab-${x.id}`} aria-selected={view === x.id} aria-controls={`reports-panel-${x.id}`}
            className={`subtab ${view === x.id ? 'is-active' : ''}`} onClick={() => setView(x.id)} data-testid={`reports-tab-${x.id}`}>
            {x.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`reports-panel-${view}`} aria-labelledby={`reports-tab-${view}`}>
        {view === 'daily' ? <DailyReportScreen /> : <ValidationsReportScreen />}
      </div>
    </>
  );
}

function DailyReportScreen() {
  const t = useT();
  const lang = useLanguage((st) => st.lang);
  const [timeZone, setTimeZone] = useState('Asia/Kolkata');
  const [date, setDate] = useState(() => todayIn('Asia/Kolkata'));
  const [report, setReport] = useState<DailyReport | null>(null);
  const [toApprove, setToApprove] = useState<Shift[]>([]);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const loading = useApiAction();
  const exporter = useApiAction();
  const approver = useApiAction();
  const [exporting, setExporting] = useState<null | 'csv' | 'pdf'>(null);
  const [slowExport, setSlowExport] = useState(false);
  const slowTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const failed = (e: unknown) => setMsg({ ok: false, text: errorText(t, e) });

  const load = useCallback(async (day: string) => {
    setMsg(null);
    const got = await loading.run(() => Promise.all([call('reports.daily', { date: day }), call('shifts.list', { status: 'NEEDS_APPROVAL' })]), failed);
    if (!got) return;
    setReport(got[0]);
    setToApprove(got[1]);
  }, [loading.run]);

  useEffect(() => {
    void (async () => {
      let day = date;
      try {
        const s = await call('settings.get', {});
        setTimeZone(s.timeZone);
        day = todayIn(s.timeZone);
        setDate(day);
      } catch {
        /* keep the default zone */
      }
      await load(day);
    })();
    return () => {
      if (slowTimer.current) clearTimeout(slowTimer.current);
    };
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void load(date);
  };

  const exportAs = (format: 'csv' | 'pdf') =>
    exporter.run(async () => {
      setExporting(format);
      setMsg(null);
      // Exports that take more than a second show a progress indicator.
      slowTimer.current = setTimeout(() => setSlowExport(true), 1000);
      try {
        const file = await call('reports.export', { date, format });
        saveFile(file.fileName, file.mimeType, file.base64);
        sounds.success();
        setMsg({ ok: true, text: t('reports.exported', { file: file.fileName }) });
      } finally {
        if (slowTimer.current) clearTimeout(slowTimer.current);
        setSlowExport(false);
        setExporting(null);
      }
    }, failed);

  const approve = (shiftId: string) =>
    approver.run(async () => {
      await call('shifts.approve', { shiftId, note: (notes[shiftId] ?? '').trim() });
      sounds.success();
      setMsg({ ok: true, text: t('reports.approved') });
      await load(date);
    }, failed);

  const r = report;
  const figures = r
    ? [
      { label: t('reports.revenue'), value: formatINR(r.revenue.totalPaise), strong: true },
      { label: t('reports.cash'), value: formatINR(r.revenue.cashPaise) },
      { label: t('reports.online'), value: formatINR(r.revenue.onlinePaise) },
      { label: t('reports.refunds'), value: formatINR(r.revenue.refundsPaise) },
      { label: t('reports.late'), value: formatINR(r.revenue.latePaise) },
      { label: t('reports.pendingFailed'), value: `${r.pendingPayments} / ${r.failedPayments}` },
      { label: t('reports.bookedWalkIn'), value: `${r.sessions.booked} / ${r.sessions.walkIns}` },
      { label: t('reports.enteredExited'), value: `${r.sessions.entered} / ${r.sessions.exited}` },
      { label: t('reports.cancelledExpired'), value: `${r.sessions.cancelled} / ${r.sessions.expired}` },
      { label: t('reports.insideStartEnd'), value: `${r.sessions.insideAtStart} / ${r.sessions.insideAtEnd}` },
      { label: t('reports.avgStay'), value: r.stay.averageSeconds == null ? '—' : formatDuration(r.stay.averageSeconds, t) },
      { label: t('reports.medianStay'), value: r.stay.medianSeconds == null ? '—' : formatDuration(r.stay.medianSeconds, t) },
    ]
    : [];

  return (
    <div className="screen screen-reports">
      <h1 className="screen-title">{t('reports.title')}</h1>
      <form className="inline-form" onSubmit={submit}>
        <TextField label={t('reports.date')} type="date" value={date} onValue={setDate} hint={formatDay(date, lang)} />
        <button data-main-action type="submit" className="btn btn-primary" disabled={loading.busy || !date} aria-busy={loading.busy}>{t('reports.load')}</button>
        <button type="button" className="btn btn-secondary" disabled={!r || exporter.busy} aria-busy={exporting === 'csv'} onClick={() => void exportAs('csv')}>{t('reports.exportCsv')}</button>
        <button type="button" className="btn btn-secondary" disabled={!r || exporter.busy} aria-busy={exporting === 'pdf'} onClick={() => void exportAs('pdf')}>{t('reports.exportPdf')}</button>
      </form>
      {slowExport && (
        <p className="notice notice-warn" role="status" aria-live="polite">
          <progress aria-label={t('reports.exporting')} /> {t('reports.exporting')}
        </p>
      )}
      {msg && <p className={`notice ${msg.ok ? 'notice-ok' : 'notice-error'}`} role="status">{msg.text}</p>}
      {loading.busy && <p className="muted" role="status">{t('common.loading')}</p>}

      {r && (
        <>
          <p className="muted">{t('reports.tz', { tz: r.timeZone })}</p>
          <div className="report-figures" data-testid="report-totals" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(12rem, 1fr))', gap: '0.5rem' }}>
            {figures.map((f) => (
              <div key={f.label} className="card">
                <div className="muted">{f.label}</div>
                <div className={f.strong ? 'facts-strong' : undefined} style={{ fontSize: '1.4rem' }}>{f.value}</div>
              </div>
            ))}
          </div>
          <p className={`notice ${r.integrity.ok ? 'notice-ok' : 'notice-error'}`}>
            {r.integrity.ok
              ? t('reports.integrityOk')
              : t('reports.integrityBad', { checks: r.integrity.findings.filter((f) => f.count > 0).map((f) => `${f.check} (${f.count})`).join(', ') })}
          </p>

          <section className="card" aria-labelledby="rep-hours">
            <h2 id="rep-hours" className="card-title">{t('reports.byHour')}</h2>
            <p className="muted">
              <span style={{ color: '#2f6fb3' }}>■</span> {t('reports.occupancy')} · <span style={{ color: '#3c9d5d' }}>■</span> {t('reports.revenueHour')}
            </p>
            <HourChart report={r} t={t} />
          </section>

          <section className="card" aria-labelledby="rep-zones">
            <h2 id="rep-zones" className="card-title">{t('reports.byZone')}</h2>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('reports.zone')}</th>
                  <th scope="col">{t('reports.entered')}</th>
                  <th scope="col">{t('reports.exited')}</th>
                  <th scope="col">{t('reports.revenueHour')}</th>
                </tr>
              </thead>
              <tbody>
                {r.byZone.map((z) => (
                  <tr key={z.zoneId}><td>{z.zoneName}</td><td>{z.entered}</td><td>{z.exited}</td><td>{formatINR(z.revenuePaise)}</td></tr>
                ))}
              </tbody>
            </table>
          </section>

          <section className="card" aria-labelledby="rep-shifts">
            <h2 id="rep-shifts" className="card-title">{t('reports.shifts')}</h2>
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('reports.cashier')}</th>
                  <th scope="col">{t('shiftScreen.expected')}</th>
                  <th scope="col">{t('shiftScreen.counted')}</th>
                  <th scope="col">{t('shiftScreen.difference')}</th>
                  <th scope="col">{t('shiftScreen.status')}</th>
                </tr>
              </thead>
              <tbody>
                {r.byShift.map((s) => (
                  <tr key={s.shiftId}>
                    <td>{s.operatorName}</td>
                    <td>{s.expectedPaise == null ? '—' : formatINR(s.expectedPaise)}</td>
                    <td>{s.countedPaise == null ? '—' : formatINR(s.countedPaise)}</td>
                    <td>{s.differencePaise == null ? '—' : formatINR(s.differencePaise)}</td>
                    <td>{t(`shiftScreen.status.${s.status}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {toApprove.length > 0 && (
              <>
                <h3>{t('reports.toApprove')}</h3>
                {toApprove.map((s) => (
                  <form key={s.id} className="inline-form" onSubmit={(e) => { e.preventDefault(); void approve(s.id); }}>
                    <span>{s.operatorName} · {formatINR(s.differencePaise ?? 0)}</span>
                    <TextField label={t('reports.approveNote')} value={notes[s.id] ?? ''} onValue={(v) => setNotes({ ...notes, [s.id]: v })} autoComplete="off" />
                    <button type="submit" className="btn btn-primary" disabled={approver.busy || (notes[s.id] ?? '').trim().length < 3}>{t('reports.approve')}</button>
                  </form>
                ))}
              </>
            )}
          </section>

          <section className="card" aria-labelledby="rep-exceptions">
            <h2 id="rep-exceptions" className="card-title">{t('reports.exceptions', { count: r.exceptions.length })}</h2>
            {r.exceptions.length === 0 ? (
              <p className="muted">{t('reports.noExceptions')}</p>
            ) : (
              <div className="table-wrap">
                <table className="table" data-testid="report-exceptions">
                  <thead>
                    <tr>
                      <th scope="col">{t('reports.time')}</th>
                      <th scope="col">{t('reports.kind')}</th>
                      <th scope="col">{t('reports.vehicle')}</th>
                      <th scope="col">{t('reports.by')}</th>
                      <th scope="col">{t('reports.detail')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.exceptions.map((x, i) => (
                      <tr key={`${x.kind}-${x.sessionId ?? ''}-${i}`}>
                        <td>{localTime(x.at, timeZone)}</td>
                        <td>{t(`reports.kind.${x.kind}`)}</td>
                        <td>{x.vehicleNumber ?? '—'}</td>
                        <td>{x.operatorName ?? '—'}</td>
                        <td>{x.detail}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <VendExceptionsPanel report={r} />
        </>
      )}
    </div>
  );
}
