/** A season pass on the thermal printer: its QR (the signed pass code), holder, vehicles or card, validity and zones. */
import type { PrintLanguage } from '../../../src-shared/contracts/print.js';
import type { PassKind } from '../../../src-shared/domain/season-pass.js';
import { cut, feed, pair, qr, rule, text, type Block } from './blocks.js';
import { printLabels } from './labels.js';

export interface PassPrintData {
  facilityName: string;
  kind: PassKind;
  holderName: string;
  /** Normalised plates; [] for a card pass (any car with the card). */
  plates: readonly string[];
  cardId: string | null;
  /** Local times, already formatted in the facility's time zone. */
  validFrom: string;
  validUntil: string;
  /** Zone names; [] = every zone. */
  zoneNames: readonly string[];
  /** "Mon-Fri 08:00-20:00" style, null = every day, all day. */
  hours: string | null;
  maxCars: number;
  /** The signed pass code the QR carries (scanned at entry and exit). */
  code: string;
  copy: boolean;
}

const DAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** The pass's hours as printed: its days (a run of days as "Mon-Fri") and the local time window. */
export function hoursText(h: { days: readonly number[]; startMinute: number; endMinute: number } | null): string | null {
  if (!h) return null;
  const days = [...new Set(h.days)].sort((a, b) => a - b);
  const run = days.length > 2 && days.every((d, i) => i === 0 || d === days[i - 1]! + 1);
  const dayText = days.length === 7 ? 'Daily' : run ? `${DAY[days[0]!]}-${DAY[days.at(-1)!]}` : days.map((d) => DAY[d]).join(',');
  return `${dayText} ${hhmm(h.startMinute)}-${hhmm(h.endMinute)}`;
}

export function passBlocks(d: PassPrintData, language: PrintLanguage): Block[] {
  const L = printLabels(language);
  const blocks: Block[] = [
    text(d.facilityName, { align: 'center', bold: true }),
    text(L.seasonPass, { align: 'center', size: 2 }),
    text(L[`pass${d.kind}`], { align: 'center' }),
  ];
  if (d.copy) blocks.push(text(L.copy, { align: 'center' }));
  blocks.push(rule, pair(L.holder, d.holderName, true));
  if (d.plates.length > 0) blocks.push(pair(L.vehicle, d.plates.join(', '), true));
  if (d.cardId) blocks.push(pair(L.card, d.cardId, d.plates.length === 0));
  blocks.push(
    pair(L.validFrom, d.validFrom),
    pair(L.validUntil, d.validUntil, true),
    pair(L.zones, d.zoneNames.length > 0 ? d.zoneNames.join(', ') : L.allZones),
  );
  if (d.hours) blocks.push(pair(L.hours, d.hours));
  if (d.maxCars > 1) blocks.push(pair(L.cars, String(d.maxCars)));
  blocks.push(feed(1), qr(d.code), feed(1), rule, text(L.keepPass, { align: 'center' }), cut);
  return blocks;
}
