/**
 * PDF export of a DailyReport with pdfkit: title, facility, date, totals, an occupancy-by-hour bar
 * chart drawn with vector graphics, the section tables, and "Page N of M" on every page.
 * Text uses Noto Sans (WOFF from @fontsource) when it is installed, else the built-in Helvetica.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { DailyReport } from '../../src-shared/contracts/entities.js';
import { formatInr } from '../../src-shared/domain/money.js';
import { formatLocal } from './time.js';

type Doc = PDFKit.PDFDocument;

/** Amount as printed in the PDF: en-IN grouping, two decimals, no currency sign ("1,20,000.00"). */
export function pdfMoney(paise: number | null): string {
  return paise == null ? '-' : formatInr(paise).replace('₹', '');
}

export const COLORS = { ink: '#1b1f24', muted: '#5b6570', rule: '#c9d1d9', head: '#e8eef4', zebra: '#f6f8fa', bar: '#2f6fb3', bar2: '#3c9d5d', bad: '#b42318' };

let fontFiles: { regular: string; bold: string } | null | undefined;
export function resolveFonts(): { regular: string; bold: string } | null {
  if (fontFiles !== undefined) return fontFiles;
  try {
    const require = createRequire(import.meta.url);
    fontFiles = {
      regular: require.resolve('@fontsource/noto-sans/files/noto-sans-latin-400-normal.woff'),
      bold: require.resolve('@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff'),
    };
  } catch {
    fontFiles = null;
  }
  return fontFiles;
}

export interface TableColumn<T> { header: string; width: number; align?: 'left' | 'right'; value: (row: T) => string }

export class Writer {
  readonly left: number;
  readonly width: number;
  constructor(readonly doc: Doc, readonly regular: string, readonly bold: string) {
    this.left = doc.page.margins.left;
    this.width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  }

  get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  heading(text: string): void {
    this.ensure(60);
    this.doc.moveDown(0.6).font(this.bold).fontSize(12.5).fillColor(COLORS.ink).text(text, this.left, this.doc.y);
    const y = this.doc.y + 2;
    this.doc.moveTo(this.left, y).lineTo(this.left + this.width, y).lineWidth(0.6).strokeColor(COLORS.rule).stroke();
    this.doc.y = y + 6;
  }

  note(text: string): void {
    this.doc.font(this.regular).fontSize(8.5).fillColor(COLORS.muted).text(text, this.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
  }

  /** Key figures in a grid of label / value cells. */
  figures(items: { label: string; value: string; strong?: boolean }[], columns = 3): void {
    const cellW = this.width / columns;
    const cellH = 34;
    for (let i = 0; i < items.length; i += columns) {
      this.ensure(cellH + 4);
      const y = this.doc.y;
      items.slice(i, i + columns).forEach((item, j) => {
        const x = this.left + j * cellW;
        this.doc.rect(x + 1, y, cellW - 2, cellH).fillColor(COLORS.zebra).fill();
        this.doc.font(this.regular).fontSize(7.5).fillColor(COLORS.muted).text(item.label, x + 6, y + 4, { width: cellW - 12, lineBreak: false });
        this.doc.font(item.strong ? this.bold : this.regular).fontSize(12).fillColor(COLORS.ink).text(item.value, x + 6, y + 15, { width: cellW - 12, lineBreak: false });
      });
      this.doc.y = y + cellH + 3;
    }
  }

  table<T>(columns: TableColumn<T>[], rows: T[], empty: string): void {
    const total = columns.reduce((a, c) => a + c.width, 0);
    const scale = this.width / total;
    const cols = columns.map((c) => ({ ...c, w: c.width * scale }));
    const rowH = 15;
    const header = () => {
      const y = this.doc.y;
      this.doc.rect(this.left, y, this.width, rowH).fillColor(COLORS.head).fill();
      let x = this.left;
      for (const c of cols) {
        this.doc.font(this.bold).fontSize(8).fillColor(COLORS.ink)
          .text(c.header, x + 4, y + 4, { width: c.w - 8, align: c.align ?? 'left', lineBreak: false });
        x += c.w;
      }
      this.doc.y = y + rowH;
    };
    this.ensure(rowH * 3);
    header();
    if (rows.length === 0) {
      this.doc.font(this.regular).fontSize(8).fillColor(COLORS.muted).text(empty, this.left + 4, this.doc.y + 4);
      this.doc.y += 6;
      return;
    }
    rows.forEach((row, i) => {
      const texts = cols.map((c) => c.value(row));
      this.doc.font(this.regular).fontSize(8);
      // Most cells fit on one line: measuring the width is much cheaper than laying out the height.
      const fits = texts.map((t, k) => this.doc.widthOfString(t) <= cols[k]!.w - 8);
      const height = Math.max(rowH, ...texts.map((t, k) => (fits[k] ? rowH : this.doc.heightOfString(t, { width: cols[k]!.w - 8 }) + 7)));
      if (this.doc.y + height > this.bottom) {
        this.doc.addPage();
        header();
      }
      const y = this.doc.y;
      if (i % 2 === 1) this.doc.rect(this.left, y, this.width, height).fillColor(COLORS.zebra).fill();
      this.doc.font(this.regular).fontSize(8); // the repeated header left the bold font selected
      let x = this.left;
      texts.forEach((t, k) => {
        const c = cols[k]!;
        this.doc.fillColor(COLORS.ink).text(t, x + 4, y + 4, { width: c.w - 8, align: c.align ?? 'left', lineBreak: !fits[k] });
        x += c.w;
      });
      this.doc.y = y + height;
    });
    this.doc.moveTo(this.left, this.doc.y).lineTo(this.left + this.width, this.doc.y).lineWidth(0.5).strokeColor(COLORS.rule).stroke();
  }

  /** A vertical bar chart over the day's hours, with a labelled y axis. */
  barChart(title: string, values: number[], labels: string[], color: string, format: (v: number) => string): void {
    const height = 150;
    this.ensure(height + 50);
    this.doc.font(this.bold).fontSize(9).fillColor(COLORS.ink).text(title, this.left, this.doc.y);
    const top = this.doc.y + 6;
    const axisW = 44;
    const x0 = this.left + axisW;
    const w = this.width - axisW;
    const max = niceMax(Math.max(0, ...values));
    const y0 = top + height;
    const ticks = 4;
    for (let i = 0; i <= ticks; i += 1) {
      const v = (max * i) / ticks;
      const y = y0 - (height * i) / ticks;
      this.doc.moveTo(x0, y).lineTo(x0 + w, y).lineWidth(0.4).strokeColor(COLORS.rule).stroke();
      this.doc.font(this.regular).fontSize(7).fillColor(COLORS.muted).text(format(v), this.left, y - 4, { width: axisW - 6, align: 'right', lineBreak: false });
    }
    const slot = w / Math.max(1, values.length);
    values.forEach((v, i) => {
      const h = max > 0 ? (height * v) / max : 0;
      const x = x0 + i * slot + slot * 0.15;
      if (h > 0) this.doc.rect(x, y0 - h, slot * 0.7, h).fillColor(color).fill();
      if (v > 0 && values.length <= 25) {
        this.doc.font(this.regular).fontSize(6).fillColor(COLORS.ink)
          .text(format(v), x - 4, y0 - h - 9, { width: slot * 0.7 + 8, align: 'center', lineBreak: false });
      }
      this.doc.font(this.regular).fontSize(7).fillColor(COLORS.muted)
        .text(labels[i] ?? '', x0 + i * slot, y0 + 3, { width: slot, align: 'center', lineBreak: false });
    });
    this.doc.moveTo(x0, y0).lineTo(x0 + w, y0).lineWidth(0.8).strokeColor(COLORS.ink).stroke();
    this.doc.y = y0 + 16;
  }
}

/** A round axis maximum >= v with four even steps (1, 2, 2.5, 5 x 10^k per step, at least 1). */
function niceMax(v: number): number {
  if (v <= 0) return 4;
  const raw = v / 4;
  const exp = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * exp).find((s) => s >= raw) ?? 10 * exp;
  return Math.max(1, step) * 4;
}

function durationText(seconds: number | null): string {
  if (seconds == null) return '-';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
}

/** An A4 report in the reports' style: fonts, the writer, and `finish` (footer on every page, the bytes). */
export function openReportDoc(info: PDFKit.DocumentInfo): { doc: PDFKit.PDFDocument; w: Writer; regular: string; bold: string; finish(footer: string): Promise<Buffer> } {
  const doc = new PDFDocument({ size: 'A4', margins: { top: 48, bottom: 52, left: 44, right: 44 }, bufferPages: true, info });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const fonts = resolveFonts();
  let regular = 'Helvetica';
  let bold = 'Helvetica-Bold';
  if (fonts) {
    doc.registerFont('Body', fonts.regular);
    doc.registerFont('Body-Bold', fonts.bold);
    regular = 'Body';
    bold = 'Body-Bold';
  }
  const w = new Writer(doc, regular, bold);
  const finish = (footer: string): Promise<Buffer> => {
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i += 1) {
      doc.switchToPage(i);
      const bottom = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      const y = doc.page.height - 34;
      doc.moveTo(w.left, y - 6).lineTo(w.left + w.width, y - 6).lineWidth(0.4).strokeColor(COLORS.rule).stroke();
      doc.font(regular).fontSize(8).fillColor(COLORS.muted)
        .text(footer, w.left, y, { width: w.width / 2, lineBreak: false })
        .text(`Page ${i - range.start + 1} of ${range.count}`, w.left + w.width / 2, y, { width: w.width / 2, align: 'right', lineBreak: false });
      doc.page.margins.bottom = bottom;
    }
    doc.end();
    return done;
  };
  return { doc, w, regular, bold, finish };
}

/** Renders the report; resolves with the PDF bytes. */
export function reportPdf(r: DailyReport): Promise<Buffer> {
  const { doc, w, regular, bold, finish } = openReportDoc({ Title: `Daily report ${r.date} - ${r.facilityName}`, Author: 'ParkGate', Subject: `Daily report for ${r.date} (${r.timeZone})` });
  const tz = r.timeZone;
  const local = (isoText: string | null) => (isoText ? formatLocal(Date.parse(isoText), tz) : '-');

  doc.font(bold).fontSize(20).fillColor(COLORS.ink).text('Daily report', w.left, doc.y);
  doc.font(regular).fontSize(12).fillColor(COLORS.ink).text(r.facilityName);
  doc.font(regular).fontSize(9).fillColor(COLORS.muted)
    .text(`Date ${r.date} (${tz}): ${local(r.dayStart)} to ${local(r.dayEnd)} local time. Generated ${local(r.generatedAt)}. Amounts in rupees (Rs).`);

  w.heading('Totals');
  w.figures([
    { label: 'Revenue (net of refunds)', value: pdfMoney(r.revenue.totalPaise), strong: true },
    { label: `Cash (${r.revenue.cashCount} payments)`, value: pdfMoney(r.revenue.cashPaise) },
    { label: `Online (${r.revenue.onlineCount} payments)`, value: pdfMoney(r.revenue.onlinePaise) },
    { label: `Refunds (${r.revenue.refundCount})`, value: pdfMoney(r.revenue.refundsPaise) },
    { label: `Late payments (${r.revenue.lateCount})`, value: pdfMoney(r.revenue.latePaise) },
    { label: 'Pending / failed payments', value: `${r.pendingPayments} / ${r.failedPayments}` },
    { label: 'Bookings / walk-in tickets', value: `${r.sessions.booked} / ${r.sessions.walkIns}` },
    { label: 'Entered / exited', value: `${r.sessions.entered} / ${r.sessions.exited}` },
    { label: 'Cancelled / expired', value: `${r.sessions.cancelled} / ${r.sessions.expired}` },
    { label: 'Inside at start / at end', value: `${r.sessions.insideAtStart} / ${r.sessions.insideAtEnd}` },
    { label: 'Average stay', value: durationText(r.stay.averageSeconds) },
    { label: 'Median stay', value: durationText(r.stay.medianSeconds) },
  ]);

  if (r.tax && r.tax.total.documents > 0) {
    const t = r.tax.total;
    w.heading('GST (supplies less credit notes)');
    w.figures([
      { label: `Taxable value (${t.documents} documents)`, value: pdfMoney(t.taxablePaise), strong: true },
      { label: 'CGST', value: pdfMoney(t.cgstPaise) },
      { label: 'SGST', value: pdfMoney(t.sgstPaise) },
      { label: 'IGST', value: pdfMoney(t.igstPaise) },
      { label: 'Invoice value', value: pdfMoney(t.totalPaise) },
    ]);
    w.table([
      { header: 'Gate / rate', width: 2, value: (x) => x.label },
      { header: 'Taxable', width: 1.3, align: 'right', value: (x) => pdfMoney(x.taxablePaise) },
      { header: 'CGST', width: 1, align: 'right', value: (x) => pdfMoney(x.cgstPaise) },
      { header: 'SGST', width: 1, align: 'right', value: (x) => pdfMoney(x.sgstPaise) },
      { header: 'IGST', width: 1, align: 'right', value: (x) => pdfMoney(x.igstPaise) },
    ], [...r.tax.byGate.map((g) => ({ ...g, label: `Gate ${g.kioskId}` })), ...r.tax.byRate.map((x) => ({ ...x, label: `Rate ${x.rateBp / 100}%` }))], 'No tax documents.');
  }

  w.heading('Occupancy and revenue by hour');
  const hourLabels = r.byHour.map((h) => String(h.hour).padStart(2, '0'));
  w.barChart('Cars inside during each hour', r.byHour.map((h) => h.occupancy), hourLabels, COLORS.bar, (v) => String(Math.round(v)));
  w.barChart('Revenue taken in each hour (Rs)', r.byHour.map((h) => h.revenuePaise / 100), hourLabels, COLORS.bar2,
    (v) => (v >= 1000 ? `${Math.round(v / 100) / 10}k` : String(Math.round(v))));
  w.table([
    { header: 'Hour', width: 1, value: (h) => `${String(h.hour).padStart(2, '0')}:00` },
    { header: 'Inside', width: 1, align: 'right', value: (h) => String(h.occupancy) },
    { header: 'Entered', width: 1, align: 'right', value: (h) => String(h.entered) },
    { header: 'Exited', width: 1, align: 'right', value: (h) => String(h.exited) },
    { header: 'Revenue', width: 1.5, align: 'right', value: (h) => pdfMoney(h.revenuePaise) },
  ], r.byHour, 'No hours.');

  w.heading('By zone');
  w.table([
    { header: 'Zone', width: 2, value: (z) => z.zoneName },
    { header: 'Entered', width: 1, align: 'right', value: (z) => String(z.entered) },
    { header: 'Exited', width: 1, align: 'right', value: (z) => String(z.exited) },
    { header: 'Peak inside', width: 1, align: 'right', value: (z) => String(z.peakOccupancy) },
    { header: 'Revenue', width: 1.5, align: 'right', value: (z) => pdfMoney(z.revenuePaise) },
  ], r.byZone, 'No zones.');

  w.heading('By operator');
  w.table([
    { header: 'Operator', width: 2, value: (o) => o.operatorName },
    { header: 'Payments', width: 1, align: 'right', value: (o) => String(o.payments) },
    { header: 'Cash', width: 1.3, align: 'right', value: (o) => pdfMoney(o.cashPaise) },
    { header: 'Online', width: 1.3, align: 'right', value: (o) => pdfMoney(o.onlinePaise) },
    { header: 'Total', width: 1.3, align: 'right', value: (o) => pdfMoney(o.revenuePaise) },
  ], r.byOperator, 'No payments this day.');

  w.heading('Cash shifts');
  w.table([
    { header: 'Cashier', width: 1.6, value: (s) => s.operatorName },
    { header: 'Opened', width: 1.6, value: (s) => local(s.openedAt) },
    { header: 'Closed', width: 1.6, value: (s) => local(s.closedAt) },
    { header: 'Float', width: 1, align: 'right', value: (s) => pdfMoney(s.openingFloatPaise) },
    { header: 'Cash sales', width: 1.2, align: 'right', value: (s) => pdfMoney(s.cashSalesPaise) },
    { header: 'Expected', width: 1.2, align: 'right', value: (s) => pdfMoney(s.expectedPaise) },
    { header: 'Counted', width: 1.2, align: 'right', value: (s) => pdfMoney(s.countedPaise) },
    { header: 'Difference', width: 1.2, align: 'right', value: (s) => pdfMoney(s.differencePaise) },
    { header: 'Status', width: 1.5, value: (s) => s.status.replace('_', ' ') },
  ], r.byShift, 'No cash shift this day.');

  w.heading(`Exceptions (${r.exceptions.length})`);
  w.table([
    { header: 'Time', width: 1.5, value: (e) => local(e.at).slice(5) },
    { header: 'Kind', width: 1.4, value: (e) => e.kind.replace(/_/g, ' ') },
    { header: 'Vehicle', width: 1.3, value: (e) => e.vehicleNumber ?? '-' },
    { header: 'By', width: 1.2, value: (e) => e.operatorName ?? '-' },
    { header: 'Detail', width: 3.6, value: (e) => e.detail },
  ], r.exceptions, 'No exceptions this day.');

  const vend = r.vendExceptions ?? [];
  w.heading(`Vend exceptions (${vend.length})`);
  w.table([
    { header: 'Time', width: 1.5, value: (e) => local(e.at).slice(5) },
    { header: 'Kind', width: 1.7, value: (e) => e.kind.replace(/_/g, ' ') },
    { header: 'Lane', width: 1.3, value: (e) => e.kioskId },
    { header: 'Cause', width: 1.4, value: (e) => (e.cause ?? '-').replace(/_/g, ' ') },
    { header: 'Vehicle', width: 1.2, value: (e) => e.vehicleNumber ?? '-' },
    { header: 'Detail', width: 2.9, value: (e) => `${e.detail}${e.hasSnapshot ? ' (still kept)' : ''}` },
  ], vend, 'No vend exceptions this day.');

  const manual = r.manualOpenings ?? [];
  w.heading(`Manual openings (${manual.length})`);
  w.table([
    { header: 'Time', width: 1.5, value: (o) => local(o.requestedAt).slice(5) },
    { header: 'Supervisor', width: 1.4, value: (o) => o.supervisorName ?? '-' },
    { header: 'At the kiosk', width: 1.4, value: (o) => o.operatorName ?? '-' },
    { header: 'Reason', width: 1.6, value: (o) => o.reasonCode ?? '-' },
    { header: 'Detail', width: 2.6, value: (o) => `${o.reasonText ?? ''}${o.hasSnapshot ? ' (still kept)' : ''}` },
    { header: 'Cars', width: 0.7, align: 'right', value: (o) => String(o.cars) },
  ], manual, 'No manual openings this day.');

  w.heading('Integrity checks');
  w.note(r.integrity.ok ? 'All checks read zero for this day.' : 'Some checks found problems: run "doctor" and call support.');
  w.table([
    { header: 'Check', width: 3, value: (f) => f.check.replace(/_/g, ' ') },
    { header: 'Findings', width: 1, align: 'right', value: (f) => String(f.count) },
  ], r.integrity.findings, 'No checks.');

  return finish(`${r.facilityName} - daily report ${r.date}`);
}
