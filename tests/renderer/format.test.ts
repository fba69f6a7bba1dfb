import { describe, expect, it } from 'vitest';
import { formatCountdown, formatDuration, formatINR, paiseToRupeesText, rupeesToPaise } from '../../src-renderer/lib/format.js';
import { translate } from '../../src-renderer/i18n/index.js';
import { likelyTenders } from '../../src-renderer/screens/exit/CashPanel.js';

describe('money and time formatting', () => {
  it('formats INR the Indian way (lakh grouping, two decimals)', () => {
    expect(formatINR(12_000_000)).toBe('₹1,20,000.00');
    expect(formatINR(4000)).toBe('₹40.00');
    expect(formatINR(12050)).toBe('₹120.50');
    expect(formatINR(0)).toBe('₹0.00');
    expect(formatINR(1_23_45_678_90)).toBe('₹1,23,45,678.90');
    expect(formatINR(-500)).toBe('-₹5.00');
  });

  it('parses keypad rupees into integer paise', () => {
    expect(rupeesToPaise('250')).toBe(25000);
    expect(rupeesToPaise('250.5')).toBe(25050);
    expect(rupeesToPaise('0.07')).toBe(7);
    expect(rupeesToPaise('12a')).toBeNull();
    expect(rupeesToPaise('')).toBeNull();
    expect(paiseToRupeesText(4000)).toBe('40');
    expect(paiseToRupeesText(4050)).toBe('40.50');
    expect(paiseToRupeesText(null)).toBe('');
  });

  it('formats durations and countdowns', () => {
    const t = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate('en', k, v);
    expect(formatDuration(7800, t)).toBe('2 h 10 min');
    expect(formatDuration(240, t)).toBe('4 min');
    expect(formatCountdown(65_000)).toBe('01:05');
    expect(formatCountdown(-5)).toBe('00:00');
  });

  it('offers likely notes above the amount due', () => {
    expect(likelyTenders(12000)).toEqual([15000, 20000, 50000]);
    expect(likelyTenders(5000)).toEqual([10000, 20000, 50000]);
  });
});
