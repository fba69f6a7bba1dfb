/**
 * Supervisor report: validations by merchant and by program (each settled validation listed),
 * pass entries and exits, anti-passback flags and the revenue forgone, for a day or a date range;
 * export as CSV (zip) or PDF through reports.export `kind: 'validations'`; and each merchant's
 * monthly bill-back statement. Every figure comes from reports.validations (the core's object the
 * files are rendered from); the core checks the role.
 */
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { Merchant } from '../../src-shared/contracts/validations.js';
import type { ValidationsReport } from '../../src-shared/contracts/validation-reports.js';
import { call } from '../api/client.js';
import { TextField } from '../components/Field.js';
import { errorText, useT, type MessageKey } from '../i18n/index.js';
import { formatDay, formatINR } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useApiAction } from '../lib/use-api-action.js';
import { useLanguage } from '../stores/language.js';
import { saveFile } from './ReportsScreen.js';

/** The facility-local day of an instant (the core's clock, not this screen's). */
function todayIn(timeZone: string, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

function Table({ testId, head, rows, empty }: { testId: string; head: string[]; rows: ReactNode[][]; empty: string }) {
  if (rows.length === 0) return <p className="muted" data-testid={`${testId}-empty`}>{empty}</p>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid={testId}>
        <thead><tr>{head.map((h) => <th key={h} scope="col">{h}</th>)}</tr></thead>
        <tbody>{rows.map((r, i) => <tr key={i}>{r.map((c, j) => <td key={j}>{c}</td>)}</tr>)}</tbody>
      </table>
    </div>
  );
}

export function ValidationsReportScreen() {
  const t = useT();
  const lang = useLanguage((st) => st.lang);
  const [timeZone, setTimeZone] = useState('Asia/Kolkata');
  const [from, setFrom] = useState(() => todayIn('Asia/Kolkata'));
  const [to, setTo] = useState(() => todayIn('Asia/Kolkata'));
  const [month, setMonth] = useState(() => todayIn('Asia/Kolkata').slice(0, 7));
  const [report, setReport] = useState<ValidationsReport | null>(null);
  const [merchants, setMerchants] = useState<Merchant[]>([]);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const loading = useApiAction();
  const exporter = useApiAction();
  const failed = (e: unknown) => setMsg({ ok: false, text: errorText(t, e) });

  const load = useCallback(async (a: string, b: string) => {
    setMsg(null);
    const got = await loading.run(() => Promise.all([call('reports.validations', { from: a, to: b }), call('merchants.list', { includeInactive: true })]), failed);
    if (!got) return;
    setReport(got[0]);
    setMerchants(got[1]);
  }, [loading.run]);

  useEffect(() => {
    void (async () => {
      let day = from;
      try {
        const [s, health] = await Promise.all([call('settings.get', {}), call('system.health', {})]);
        setTimeZone(s.timeZone);
        day = todayIn(s.timeZone, new Date(health.now));
        setFrom(day);
        setTo(day);
        setMonth(day.slice(0, 7));
      } catch {
        /* keep the default zone */
      }
      await load(day, day);
    })();
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void load(from, to);
  };

  const save = (get: () => Promise<{ fileName: string; mimeType: string; base64: string }>) =>
    exporter.run(async () => {
      setMsg(null);
      const file = await get();
      saveFile(file.fileName, file.mimeType, file.base64);
      sounds.success();
      setMsg({ ok: true, text: t('valReport.exported', { file: file.fileName }) });
    }, failed);
  // The export is of the range shown, not of what the date fields say since.
  const exportAs = (format: 'csv' | 'pdf') => report && save(() => call('reports.export', { date: report.from, to: report.to, format, kind: 'validations' }));
  const statement = (merchantId: string, format: 'csv' | 'pdf') => save(() => call('merchants.statement', { merchantId, month, format }));

  const oneDay = report ? report.from === report.to : true;
  const when = (isoText: string) => new Intl.DateTimeFormat(lang === 'hi' ? 'hi-IN' : 'en-IN', {
    timeZone, hour: '2-digit', minute: '2-digit', hour12: false, ...(oneDay ? {} : { day: '2-digit', month: 'short' }),
  }).format(new Date(isoText));
  const r = report;
  const v = r?.validations;
  const p = r?.passes;
  const none = t('valReport.none');
  const flagText = (f: string | null) => (f ? t(`valReport.flag.${f}` as MessageKey) : '');

  return (
    <div className="screen screen-reports screen-validations-report">
      <h1 className="screen-title">{t('valReport.title')}</h1>
      <form className="inline-form" onSubmit={submit}>
        <TextField label={t('valReport.from')} type="date" value={from} onValue={setFrom} hint={formatDay(from, lang)} data-testid="valrep-from" />
        <TextField label={t('valReport.to')} type="date" value={to} onValue={setTo} hint={formatDay(to, lang)} data-testid="valrep-to" />
        <button data-main-action type="submit" className="btn btn-primary" disabled={loading.busy || !from || !to} aria-busy={loading.busy} data-testid="valrep-show">{t('valReport.show')}</button>
        <button type="button" className="btn btn-secondary" disabled={!r || exporter.busy} onClick={() => void exportAs('csv')} data-testid="valrep-export-csv">{t('valReport.exportCsv')}</button>
        <button type="button" className="btn btn-secondary" disabled={!r || exporter.busy} onClick={() => void exportAs('pdf')} data-testid="valrep-export-pdf">{t('valReport.exportPdf')}</button>
      </form>
      {msg && <p className={`notice ${msg.ok ? 'notice-ok' : 'notice-error'}`} role="status">{msg.text}</p>}
      {loading.busy && <p className="muted" role="status">{t('common.loading')}</p>}

      {r && v && p && (
        <>
          <p className="muted">{t('valReport.tz', { tz: r.timeZone })}</p>
          <div className="report-figures" data-testid="valrep-totals" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(12rem, 1fr))', gap: '0.5rem' }}>
            {[
              { label: t('valReport.forgone'), value: formatINR(r.revenueForgonePaise), strong: true, id: 'forgone' },
              { label: t('valReport.validations', { count: v.count }), value: formatINR(v.revenueForgonePaise), id: 'validations' },
              { label: t('valReport.preValidated'), value: String(v.preValidatedCount), id: 'prevalidated' },
              { label: t('valReport.passVisits', { count: p.forgone.visits }), value: formatINR(p.forgone.forgonePaise), id: 'pass-forgone' },
              { label: t('valReport.passInOut'), value: `${p.entries} / ${p.exits}`, id: 'pass-in-out' },
              { label: t('valReport.resets'), value: String(p.resets), id: 'resets' },
              { label: t('valReport.flagCount'), value: String(p.flags.length), id: 'flags' },
            ].map((f) => (
              <div key={f.id} className="card" data-testid={`valrep-total-${f.id}`}>
                <div className="muted">{f.label}</div>
                <div className={f.strong ? 'facts-strong' : undefined} style={{ fontSize: '1.4rem' }}>{f.value}</div>
              </div>
            ))}
          </div>

          <section className="card" aria-labelledby="valrep-merchants">
            <h2 id="valrep-merchants" className="card-title">{t('valReport.byMerchant')}</h2>
            <Table testId="valrep-by-merchant" empty={none}
              head={[t('valReport.col.merchant'), t('valReport.col.count'), t('valReport.col.discount')]}
              rows={v.byMerchant.map((m) => [m.name, m.count, formatINR(m.discountPaise)])} />
          </section>

          <section className="card" aria-labelledby="valrep-programs">
            <h2 id="valrep-programs" className="card-title">{t('valReport.byProgram')}</h2>
            <Table testId="valrep-by-program" empty={none}
              head={[t('valReport.col.program'), t('valReport.col.merchant'), t('valReport.col.count'), t('valReport.col.discount')]}
              rows={v.byProgram.map((x) => [x.name, x.merchantName ?? '—', x.count, formatINR(x.discountPaise)])} />
          </section>

          <section className="card" aria-labelledby="valrep-items">
            <h2 id="valrep-items" className="card-title">{t('valReport.items', { count: v.items.length })}</h2>
            <Table testId="valrep-items" empty={none}
              head={[t('valReport.col.time'), t('valReport.col.vehicle'), t('valReport.col.merchant'), t('valReport.col.program'), t('valReport.col.reason'), t('valReport.col.feeBefore'), t('valReport.col.discount')]}
              rows={v.items.map((x) => [when(x.settledAt), x.vehicleNumber ?? '—', x.merchantName, x.programName, x.reasonCode, formatINR(x.feeBeforePaise), formatINR(x.discountPaise)])} />
          </section>

          <section className="card" aria-labelledby="valrep-moves">
            <h2 id="valrep-moves" className="card-title">{t('valReport.movements', { count: p.movements.length })}</h2>
            <Table testId="valrep-movements" empty={none}
              head={[t('valReport.col.time'), t('valReport.col.direction'), t('valReport.col.holder'), t('valReport.col.vehicle'), t('valReport.col.gate'), t('valReport.col.flag')]}
              rows={p.movements.map((m) => [when(m.at), t(`valReport.dir.${m.direction}`), m.holderName, m.vehicleNumber ?? '—', m.kioskId, flagText(m.flag)])} />
          </section>

          <section className="card" aria-labelledby="valrep-flags">
            <h2 id="valrep-flags" className="card-title">{t('valReport.flags', { count: p.flags.length })}</h2>
            <Table testId="valrep-flags" empty={none}
              head={[t('valReport.col.time'), t('valReport.col.direction'), t('valReport.col.holder'), t('valReport.col.mode'), t('valReport.col.gate'), t('valReport.col.flag')]}
              rows={p.flags.map((f) => [when(f.at), t(`valReport.dir.${f.direction}`), f.holderName, f.antiPassback, f.kioskId,
                [f.gateFlag && t('valReport.flagBy.gate', { flag: flagText(f.gateFlag) }), f.serverFlag && t('valReport.flagBy.server', { flag: flagText(f.serverFlag) })].filter(Boolean).join(', ')])} />
          </section>

          <section className="card" aria-labelledby="valrep-forgone">
            <h2 id="valrep-forgone" className="card-title">{t('valReport.forgoneVisits', { count: p.forgone.visits })}</h2>
            <Table testId="valrep-forgone" empty={none}
              head={[t('valReport.col.holder'), t('valReport.col.entry'), t('valReport.col.exit'), t('valReport.col.fullFee'), t('valReport.col.billed'), t('valReport.col.forgone')]}
              rows={p.forgone.items.map((x) => [x.holderName, when(x.entryAt), when(x.exitAt), formatINR(x.fullFeePaise), formatINR(x.billedPaise), formatINR(x.forgonePaise)])} />
          </section>
        </>
      )}

      <section className="card" aria-labelledby="valrep-statements">
        <h2 id="valrep-statements" className="card-title">{t('valReport.statements')}</h2>
        <div className="inline-form">
          <TextField label={t('valReport.month')} type="month" value={month} onValue={setMonth} data-testid="valrep-month" />
        </div>
        {merchants.length === 0 ? (
          <p className="muted">{t('valReport.statementsNone')}</p>
        ) : (
          <ul className="plain-list">
            {merchants.map((m) => (
              <li key={m.id} className="inline-form" data-testid={`valrep-statement-${m.name}`}>
                <span>{m.name} · {m.prepaid ? t('valReport.prepaid') : t('valReport.billedMonthly')}</span>
                <button type="button" className="btn btn-secondary" disabled={exporter.busy || !/^\d{4}-\d{2}$/.test(month)} onClick={() => void statement(m.id, 'csv')}>{t('valReport.statementCsv')}</button>
                <button type="button" className="btn btn-secondary" disabled={exporter.busy || !/^\d{4}-\d{2}$/.test(month)} onClick={() => void statement(m.id, 'pdf')}>{t('valReport.statementPdf')}</button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
