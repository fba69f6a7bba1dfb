/** Reports screen: the day's vend exceptions (cars and openings that do not match) and manual openings, with their stills. */
import { useState } from 'react';
import type { DailyReport } from '../../src-shared/contracts/entities.js';
import { call } from '../api/client.js';
import { useT } from '../i18n/index.js';

function localTime(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(new Date(iso));
}

export function VendExceptionsPanel({ report }: { report: DailyReport }) {
  const t = useT();
  const [still, setStill] = useState<string | null>(null);
  const vend = report.vendExceptions ?? [];
  const manual = report.manualOpenings ?? [];
  const show = (openingId: string) => {
    call('lane.snapshot', { openingId }).then((s) => setStill(s.dataUrl), () => setStill(null));
  };
  return (
    <section className="card" aria-labelledby="rep-vend">
      <h2 id="rep-vend" className="card-title">{t('lane.report.vendTitle', { count: vend.length })}</h2>
      {vend.length === 0 ? (
        <p className="muted">{t('lane.report.noVend')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="report-vend-exceptions">
            <thead>
              <tr>
                <th scope="col">{t('reports.time')}</th>
                <th scope="col">{t('reports.kind')}</th>
                <th scope="col">{t('lane.report.lane')}</th>
                <th scope="col">{t('lane.report.cause')}</th>
                <th scope="col">{t('reports.vehicle')}</th>
                <th scope="col">{t('lane.report.shift')}</th>
              </tr>
            </thead>
            <tbody>
              {vend.map((x) => (
                <tr key={x.id} data-kind={x.kind}>
                  <td>{localTime(x.at, report.timeZone)}</td>
                  <td>{t(`lane.vend.${x.kind}`)}</td>
                  <td>{x.kioskId}</td>
                  <td>{x.cause ? t(`lane.cause.${x.cause}`) : '—'}</td>
                  <td>{x.vehicleNumber ?? '—'}</td>
                  <td>{x.shiftOperatorName ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>{t('lane.report.manualTitle', { count: manual.length })}</h3>
      {manual.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="report-manual-openings">
            <thead>
              <tr>
                <th scope="col">{t('reports.time')}</th>
                <th scope="col">{t('lane.report.supervisor')}</th>
                <th scope="col">{t('reports.by')}</th>
                <th scope="col">{t('lane.manual.reason')}</th>
                <th scope="col">{t('reports.detail')}</th>
                <th scope="col">{t('lane.report.still')}</th>
              </tr>
            </thead>
            <tbody>
              {manual.map((o) => (
                <tr key={o.id}>
                  <td>{localTime(o.requestedAt, report.timeZone)}</td>
                  <td>{o.supervisorName ?? '—'}</td>
                  <td>{o.operatorName ?? '—'}</td>
                  <td>{o.reasonCode ?? '—'}</td>
                  <td>{o.reasonText ?? ''}</td>
                  <td>{o.hasSnapshot ? <button type="button" className="btn btn-ghost" onClick={() => show(o.id)}>{t('lane.report.showStill')}</button> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {still && <img src={still} alt={t('lane.report.still')} className="lane-still" data-testid="lane-still" />}
    </section>
  );
}
