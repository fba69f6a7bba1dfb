// @vitest-environment jsdom
/**
 * The Reports and Shift screens against the REAL core (the generated day of day-fixture.ts):
 * the fake window.parkgate bridge forwards every call to kiosk.call, so the figures on screen are
 * the ones reports.daily returns, the same object the CSV and PDF are rendered from.
 */
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiMethod } from '../../src-shared/contracts/api.js';
import type { DailyReport } from '../../src-shared/contracts/entities.js';
import ReportsScreen from '../../src-renderer/screens/ReportsScreen.js';
import ShiftScreen from '../../src-renderer/screens/ShiftScreen.js';
import { formatINR } from '../../src-renderer/lib/format.js';
import { installBridge, resetStores, type Handlers } from '../renderer/harness.js';
import { buildDay, DATE, type DayFixture, type Who } from './day-fixture.js';

// jsdom brings its own Uint8Array; the core (running in this same process) checks instanceof against
// the global, and Node's crypto returns Node's. Point the global back at Node's for this file.
globalThis.Uint8Array = Object.getPrototypeOf(Buffer.prototype).constructor as Uint8ArrayConstructor;

let f: DayFixture;
let report: DailyReport;

beforeAll(async () => {
  f = await buildDay();
  report = await f.call<DailyReport>('reports.daily', { date: DATE }, 'supervisor');
});
afterAll(() => f?.close());
beforeEach(resetStores);
afterEach(cleanup);

function realCore(who: Who, methods: ApiMethod[]): Handlers {
  return Object.fromEntries(methods.map((m) => [m, (input: Record<string, unknown>) => f.call(m, m === 'reports.daily' || m === 'reports.export' ? { ...input, date: DATE } : input, who)]));
}

describe('ReportsScreen', () => {
  it('shows the same totals, chart and exceptions as reports.daily, and exports a PDF', async () => {
    const bridge = installBridge(realCore('supervisor', ['settings.get', 'reports.daily', 'shifts.list', 'reports.export']));
    const created: Blob[] = [];
    URL.createObjectURL = vi.fn((b: Blob) => { created.push(b); return 'blob:report'; }) as typeof URL.createObjectURL;
    URL.revokeObjectURL = vi.fn();
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    render(<ReportsScreen />);
    const totals = await screen.findByTestId('report-totals');
    for (const paise of [report.revenue.totalPaise, report.revenue.cashPaise, report.revenue.onlinePaise, report.revenue.refundsPaise]) {
      expect(within(totals).getAllByText(formatINR(paise)).length).toBeGreaterThan(0);
    }
    expect(within(totals).getByText(`${report.sessions.entered} / ${report.sessions.exited}`)).toBeTruthy();
    expect(screen.getByRole('img', { name: /bar chart/i }).querySelectorAll('rect')).toHaveLength(report.byHour.length * 2);
    const rows = within(screen.getByTestId('report-exceptions')).getAllByRole('row');
    expect(rows).toHaveLength(report.exceptions.length + 1);
    expect(rows[1]!.textContent).toContain('09:04');
    fireEvent.click(screen.getByRole('button', { name: 'Export PDF' }));
    await screen.findByText(`Saved parkgate-report-${DATE}.pdf`, undefined, { timeout: 10_000 }); // the PDF embeds its fonts: over a second under load
    expect(bridge.callsOf('reports.export')).toHaveLength(1);
    expect(created[0]!.type).toBe('application/pdf');
    expect(click).toHaveBeenCalledTimes(1);
  });
});

describe('ShiftScreen', () => {
  it('opens a shift, hides the expected figure, and shows it with the Z report only after the blind count', async () => {
    installBridge(realCore('cashier', ['shifts.current', 'shifts.open', 'shifts.cashMovement', 'shifts.close', 'shifts.report']));
    window.confirm = vi.fn(() => true);
    // The fixture's cashier still has shift 2 open (float 0, one 40.00 cash payment).
    render(<ShiftScreen />);
    await screen.findByRole('heading', { name: 'Close the shift (blind count)' });
    expect(screen.queryByText('Expected')).toBeNull();
    expect(screen.queryByTestId('z-report')).toBeNull();
    // The blind count by note and coin: two Rs 20 notes (typed on a keyboard into the count).
    fireEvent.change(screen.getByLabelText('Number of ₹20 notes'), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Close shift' }));
    const z = await screen.findByTestId('z-report');
    expect(z.textContent).toMatch(/Expected in drawer\s+40\.00/);
    expect(screen.getByText('Expected')).toBeTruthy();
    expect(screen.getByText('Closed')).toBeTruthy();
    expect(z.textContent).toMatch(/Counted by denomination\s+Note {2}20 x 2\s+40\.00/);
    expect(screen.getByTestId('shift-denominations').textContent).toContain('₹20 note—2 · ₹40.00');
    // A new shift can be opened right away.
    fireEvent.change(screen.getByLabelText('Number of ₹200 notes'), { target: { value: '1' } });
    fireEvent.change(screen.getByLabelText('Number of ₹50 notes'), { target: { value: '1' } });
    fireEvent.click(screen.getByRole('button', { name: 'Open shift' }));
    await screen.findByRole('heading', { name: 'Close the shift (blind count)' });
    expect((await f.call<{ openingFloatPaise: number }>('shifts.current', {}, 'cashier')).openingFloatPaise).toBe(25_000);
  });
});
