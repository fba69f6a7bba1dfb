/**
 * The words on paper, in the language the printer settings choose. Kept in the core (not the
 * renderer's i18n) because the core prints without any screen. Hindi lines print as raster.
 */
import type { PrintLanguage } from '../../../src-shared/contracts/print.js';

const en = {
  parkingTicket: 'PARKING TICKET',
  exitReceipt: 'PARKING RECEIPT',
  testPage: 'PRINTER TEST',
  copy: '*** COPY ***',
  zone: 'Zone',
  slot: 'Slot',
  vehicle: 'Vehicle',
  entry: 'Entry',
  exit: 'Exit',
  duration: 'Duration',
  billableHours: 'Billable hours',
  tariff: 'Tariff',
  perHour: 'per hour',
  grace: 'Free for the first',
  minutes: 'min',
  dailyCap: 'Daily cap',
  lostTicketFee: 'Lost ticket fee',
  lostTicketNone: 'Lost ticket: parking fee only',
  keepTicket: 'Keep this ticket. Show it at the exit.',
  receiptNo: 'Receipt no.',
  parkingFee: 'Parking fee',
  upiRef: 'UPI ref.',
  amount: 'Amount paid',
  method: 'Paid by',
  cash: 'Cash',
  online: 'Online (UPI)',
  tendered: 'Tendered',
  change: 'Change',
  thanks: 'Thank you. Drive safely.',
  printedAt: 'Printed',
  paper: 'Paper',
  code: 'Ticket',
  ticketNumber: 'Ticket no. (type it if the QR fails)',
  feeBeforeValidation: 'Fee before validation',
  due: 'Due',
  paid: 'PAID',
  exempted: 'EXEMPTED',
  seasonPass: 'SEASON PASS',
  passMONTHLY: 'Monthly',
  passQUARTERLY: 'Quarterly',
  passCUSTOM: 'Custom dates',
  holder: 'Holder',
  card: 'Card',
  validFrom: 'Valid from',
  validUntil: 'Valid until',
  zones: 'Zones',
  allZones: 'All zones',
  hours: 'Hours',
  cars: 'Cars at once',
  keepPass: 'Scan this pass at entry and exit.',
} as const;

export type PrintLabels = { [K in keyof typeof en]: string };

const hi: PrintLabels = {
  parkingTicket: 'पार्किंग टिकट',
  exitReceipt: 'पार्किंग रसीद',
  testPage: 'प्रिंटर परीक्षण',
  copy: '*** प्रतिलिपि ***',
  zone: 'ज़ोन',
  slot: 'स्लॉट',
  vehicle: 'वाहन',
  entry: 'प्रवेश',
  exit: 'निकास',
  duration: 'अवधि',
  billableHours: 'देय घंटे',
  tariff: 'शुल्क',
  perHour: 'प्रति घंटा',
  grace: 'पहले इतने मिनट मुफ़्त',
  minutes: 'मिनट',
  dailyCap: 'दैनिक अधिकतम',
  lostTicketFee: 'टिकट खोने का शुल्क',
  lostTicketNone: 'टिकट खोने पर: केवल पार्किंग शुल्क',
  keepTicket: 'यह टिकट रखें। निकास पर दिखाएँ।',
  receiptNo: 'रसीद संख्या',
  parkingFee: 'पार्किंग शुल्क',
  upiRef: 'UPI संदर्भ',
  amount: 'भुगतान राशि',
  method: 'भुगतान',
  cash: 'नकद',
  online: 'ऑनलाइन (UPI)',
  tendered: 'दी गई राशि',
  change: 'वापसी',
  thanks: 'धन्यवाद। सुरक्षित चलाएँ।',
  printedAt: 'मुद्रित',
  paper: 'कागज़',
  code: 'टिकट',
  ticketNumber: 'टिकट नं. (QR न चले तो टाइप करें)',
  feeBeforeValidation: 'छूट से पहले शुल्क',
  due: 'देय',
  paid: 'भुगतान हुआ',
  exempted: 'शुल्क माफ़',
  seasonPass: 'सीज़न पास',
  passMONTHLY: 'मासिक',
  passQUARTERLY: 'त्रैमासिक',
  passCUSTOM: 'चुनी हुई तारीखें',
  holder: 'धारक',
  card: 'कार्ड',
  validFrom: 'से मान्य',
  validUntil: 'तक मान्य',
  zones: 'ज़ोन',
  allZones: 'सभी ज़ोन',
  hours: 'समय',
  cars: 'एक साथ गाड़ियाँ',
  keepPass: 'प्रवेश और निकास पर यह पास स्कैन करें।',
};

export function printLabels(language: PrintLanguage): PrintLabels {
  return language === 'hi' ? hi : en;
}

/** "₹40.00": the rupee sign prints as raster (no code page has it). */
export function rupees(paise: number): string {
  const neg = paise < 0;
  const abs = Math.abs(paise);
  return `${neg ? '-' : ''}₹${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 3725 s -> "1h 02m". */
export function durationText(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${h}h ${String(m).padStart(2, '0')}m`;
}
