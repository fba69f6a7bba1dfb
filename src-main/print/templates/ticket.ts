/** The walk-in entry ticket: where to park, when the car came in, its QR, and what it will cost. */
import type { PrintLanguage } from '../../../src-shared/contracts/print.js';
import { cut, feed, pair, qr, rule, text, type Block } from './blocks.js';
import { printLabels, rupees } from './labels.js';

export interface TicketData {
  facilityName: string;
  zoneName: string;
  slotNumber: string;
  /** Local time, already formatted in the facility's time zone. */
  entryAt: string;
  vehicleNumber: string;
  /** The signed ticket code the QR carries (scanned at the exit). */
  code: string;
  /** The short number for typing at any gate ("K7QXM-3HZ9P"), printed large; null when the session has none. */
  ticketNumber?: string | null;
  hourlyRatePaise: number;
  graceMinutes: number;
  dailyCapPaise: number | null;
  lostTicketFeePaise: number | null;
  copy: boolean;
}

export function ticketBlocks(d: TicketData, language: PrintLanguage): Block[] {
  const L = printLabels(language);
  const blocks: Block[] = [
    text(d.facilityName, { align: 'center', bold: true }),
    text(L.parkingTicket, { align: 'center', size: 2 }),
  ];
  if (d.copy) blocks.push(text(L.copy, { align: 'center' }));
  blocks.push(
    rule,
    pair(L.zone, d.zoneName),
    pair(L.slot, d.slotNumber, true),
    pair(L.vehicle, d.vehicleNumber, true),
    pair(L.entry, d.entryAt),
    feed(1),
    qr(d.code),
    ...(d.ticketNumber ? [text(L.ticketNumber, { align: 'center' }), text(d.ticketNumber, { align: 'center', bold: true, size: 2 })] : []),
    feed(1),
    rule,
    pair(L.tariff, `${rupees(d.hourlyRatePaise)} ${L.perHour}`),
    pair(L.grace, `${d.graceMinutes} ${L.minutes}`),
  );
  if (d.dailyCapPaise != null) blocks.push(pair(L.dailyCap, rupees(d.dailyCapPaise)));
  blocks.push(d.lostTicketFeePaise != null ? pair(L.lostTicketFee, rupees(d.lostTicketFeePaise), true) : text(L.lostTicketNone));
  blocks.push(rule, text(L.keepTicket, { align: 'center' }), cut);
  return blocks;
}
