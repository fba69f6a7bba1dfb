/**
 * The day's chart: cars inside (blue, left axis, counted in cars) and revenue (green, right axis,
 * in rupees) for each hour. Two quantities of different units, so each has its own scale and
 * labelled axis instead of sharing one.
 */
import type { DailyReport } from '../../../src-shared/contracts/entities.js';
import type { Translate } from '../../i18n/index.js';
import { formatINR } from '../../lib/format.js';

const CARS = '#2f6fb3';
const RUPEES = '#3c9d5d';

/** Tick values 0, half, max (whole cars). */
function carTicks(max: number): number[] {
  return [...new Set([0, Math.round(max / 2), max])];
}

export function HourChart({ report, t }: { report: DailyReport; t: Translate }) {
  const w = 760;
  const h = 240;
  const pad = { l: 44, r: 84, t: 24, b: 24 };
  const hours = report.byHour;
  const maxOcc = Math.max(1, ...hours.map((x) => x.occupancy));
  const maxRev = Math.max(100, ...hours.map((x) => x.revenuePaise));
  const slot = (w - pad.l - pad.r) / Math.max(1, hours.length);
  const plotH = h - pad.t - pad.b;
  const yOf = (v: number, max: number) => h - pad.b - (plotH * v) / max;
  return (
    <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={t('reports.chartLabel')} data-testid="hour-chart" style={{ width: '100%', maxWidth: w, height: 'auto' }}>
      <line x1={pad.l} x2={w - pad.r} y1={h - pad.b} y2={h - pad.b} stroke="currentColor" strokeWidth={1} />
      <line x1={pad.l} x2={pad.l} y1={pad.t} y2={h - pad.b} stroke={CARS} strokeWidth={1} />
      <line x1={w - pad.r} x2={w - pad.r} y1={pad.t} y2={h - pad.b} stroke={RUPEES} strokeWidth={1} />
      <text x={pad.l} y={pad.t - 10} fontSize={11} textAnchor="middle" fill={CARS} data-testid="axis-cars">{t('reports.axisCars')}</text>
      <text x={w - pad.r} y={pad.t - 10} fontSize={11} textAnchor="middle" fill={RUPEES} data-testid="axis-rupees">{t('reports.axisRupees')}</text>
      {carTicks(maxOcc).map((v) => (
        <text key={`c${v}`} x={pad.l - 4} y={yOf(v, maxOcc) + 4} fontSize={10} textAnchor="end" fill={CARS}>{v}</text>
      ))}
      {[0, maxRev / 2, maxRev].map((v) => (
        <text key={`r${v}`} x={w - pad.r + 4} y={yOf(v, maxRev) + 4} fontSize={10} textAnchor="start" fill={RUPEES}>{formatINR(Math.round(v))}</text>
      ))}
      {hours.map((x, i) => {
        const occH = (plotH * x.occupancy) / maxOcc;
        const revH = (plotH * x.revenuePaise) / maxRev;
        const x0 = pad.l + i * slot;
        return (
          <g key={i}>
            <rect x={x0 + slot * 0.1} width={slot * 0.4} y={h - pad.b - occH} height={occH} fill={CARS}>
              <title>{`${String(x.hour).padStart(2, '0')}:00 · ${t('reports.occupancy')}: ${x.occupancy}`}</title>
            </rect>
            <rect x={x0 + slot * 0.5} width={slot * 0.4} y={h - pad.b - revH} height={revH} fill={RUPEES}>
              <title>{`${String(x.hour).padStart(2, '0')}:00 · ${t('reports.revenueHour')}: ${formatINR(x.revenuePaise)}`}</title>
            </rect>
            <text x={x0 + slot / 2} y={h - 8} fontSize={10} textAnchor="middle">{String(x.hour).padStart(2, '0')}</text>
          </g>
        );
      })}
    </svg>
  );
}
