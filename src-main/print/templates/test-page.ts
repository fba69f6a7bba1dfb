/** A test page: proves text, the rupee sign and Hindi (raster), a QR and the cut all print. */
import type { PrinterSettings } from '../../../src-shared/contracts/print.js';
import { cut, feed, pair, qr, rule, text, type Block } from './blocks.js';
import { printLabels, rupees } from './labels.js';

export function testPageBlocks(facilityName: string, settings: PrinterSettings, printedAt: string, kioskId: string): Block[] {
  const L = printLabels(settings.language);
  return [
    text(facilityName, { align: 'center', bold: true }),
    text(L.testPage, { align: 'center', size: 2 }),
    rule,
    pair('Kiosk', kioskId),
    pair(L.printedAt, printedAt),
    pair(L.paper, `${settings.paperWidth} mm`),
    pair('QR', settings.qrMode),
    text(`ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789`),
    pair('Rupee / रुपया', rupees(12345)),
    text('पार्किंग टिकट और रसीद'),
    feed(1),
    qr(`PARKGATE-PRINT-TEST ${kioskId} ${printedAt}`),
    cut,
  ];
}
