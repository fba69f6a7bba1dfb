// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DailyReport } from '../../src-shared/contracts/entities.js';
import { HourChart } from '../../src-renderer/components/desk/HourChart.js';
import { translate } from '../../src-renderer/i18n/index.js';
import { formatDay } from '../../src-renderer/lib/format.js';

afterEach(cleanup);

describe('dates and the report chart', () => {
  it('dates are day first (en-IN), never the US order', () => {
    expect(formatDay('2026-12-03', 'en')).toBe('3 Dec 2026');
    expect(formatDay('2026-03-12', 'en')).toBe('12 Mar 2026');
    expect(formatDay('not a date', 'en')).toBe('');
  });

  it('cars and rupees each have their own labelled axis and scale', () => {
    const byHour = Array.from({ length: 24 }, (_, hour) => ({ hour, entered: 0, exited: 0, occupancy: hour === 10 ? 7 : 0, revenuePaise: hour === 10 ? 123_400 : 0 }));
    const report = { byHour } as unknown as DailyReport;
    const t = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate('en', k, v);
    const { container } = render(<HourChart report={report} t={t} />);
    expect(screen.getByTestId('axis-cars').textContent).toBe('Cars');
    expect(screen.getByTestId('axis-rupees').textContent).toBe('₹ revenue');
    const labels = Array.from(container.querySelectorAll('text')).map((x) => x.textContent);
    expect(labels).toEqual(expect.arrayContaining(['7', '₹1,234.00']));
    // Both bars of hour 10 reach the top of their own scale.
    const bars = Array.from(container.querySelectorAll('rect')).filter((r) => Number(r.getAttribute('height')) > 0);
    expect(bars.map((b) => b.getAttribute('height'))).toEqual(['192', '192']);
  });
});
