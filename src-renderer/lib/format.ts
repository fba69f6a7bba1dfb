/** Display formatting: money the Indian way, kiosk-local times, durations. */
import type { Translate } from '../i18n/index.js';
import type { Language } from '../stores/language.js';

export const FACILITY_TIME_ZONE = 'Asia/Kolkata';

const inr = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** 12000000 paise -> "₹1,20,000.00". Paise are integers; the division is display-only. */
export function formatINR(paise: number): string {
  const sign = paise < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(paise));
  return sign + inr.format(Math.floor(abs / 100) + (abs % 100) / 100);
}

function locale(lang: Language): string {
  return lang === 'hi' ? 'hi-IN' : 'en-IN';
}

export function formatDateTime(iso: string | null | undefined, lang: Language): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(locale(lang), {
    timeZone: FACILITY_TIME_ZONE, day: '2-digit', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(d);
}

/** "2026-12-03" -> "3 Dec 2026" (en-IN) or its hi-IN form: day first, never the US order. */
export function formatDay(ymd: string, lang: Language): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return '';
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 12));
  return new Intl.DateTimeFormat(locale(lang), { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).format(d);
}

export function formatClock(ms: number, lang: Language): { time: string; date: string } {
  const d = new Date(ms);
  return {
    time: new Intl.DateTimeFormat(locale(lang), { timeZone: FACILITY_TIME_ZONE, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(d),
    date: new Intl.DateTimeFormat(locale(lang), { timeZone: FACILITY_TIME_ZONE, weekday: 'short', day: 'numeric', month: 'short' }).format(d),
  };
}

export function formatDuration(seconds: number, t: Translate): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? t('duration.hm', { h, m }) : t('duration.m', { m });
}

/** "mm:ss" for a countdown. */
export function formatCountdown(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** "250" or "250.50" (rupees, as typed on a keypad) -> paise; null when not a valid amount. */
export function rupeesToPaise(text: string): number | null {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

export function paiseToRupeesText(paise: number | null | undefined): string {
  if (paise === null || paise === undefined) return '';
  return paise % 100 === 0 ? String(paise / 100) : (paise / 100).toFixed(2);
}
