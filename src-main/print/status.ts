/**
 * ESC/POS real-time status (DLE EOT n). The encoder library builds print jobs but has no status
 * queries, so these three 3-byte commands and the reading of their one-byte replies are written
 * here by hand, after the ESC/POS command reference:
 *   DLE EOT 1 printer status:   bit 3 = offline
 *   DLE EOT 2 offline cause:    bit 2 = cover open, bit 5 = printing stopped by paper end, bit 6 = error
 *   DLE EOT 4 roll paper sensor: bits 2+3 = near end, bits 5+6 = paper end
 * Every reply has bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0 (mask 0x93 == 0x12); anything else is
 * not a status byte (garbage on the line, a printer in another mode) and is refused.
 */
export const DLE_EOT_PRINTER = Uint8Array.of(0x10, 0x04, 0x01);
export const DLE_EOT_OFFLINE = Uint8Array.of(0x10, 0x04, 0x02);
export const DLE_EOT_PAPER = Uint8Array.of(0x10, 0x04, 0x04);
/** The three queries in one write; the printer answers three bytes in the same order. */
export const STATUS_QUERY = Uint8Array.of(...DLE_EOT_PRINTER, ...DLE_EOT_OFFLINE, ...DLE_EOT_PAPER);

export interface PrinterStatus {
  online: boolean;
  coverOpen: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
  error: boolean;
}

export function isStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

/** The status from the replies to STATUS_QUERY, or null when a byte is not a status byte. */
export function parseStatus(reply: ArrayLike<number>): PrinterStatus | null {
  if (reply.length !== 3) return null;
  const [printer, offline, paper] = [reply[0]!, reply[1]!, reply[2]!];
  if (![printer, offline, paper].every(isStatusByte)) return null;
  return {
    online: (printer & 0x08) === 0,
    coverOpen: (offline & 0x04) !== 0,
    paperOut: (paper & 0x60) !== 0 || (offline & 0x20) !== 0,
    paperNearEnd: (paper & 0x0c) !== 0,
    error: (offline & 0x40) !== 0,
  };
}

/** The status bytes a printer in this state answers (the simulator speaks with these). */
export function encodeStatus(s: PrinterStatus): Uint8Array {
  const printer = 0x12 | (s.online ? 0 : 0x08);
  const offline = 0x12 | (s.coverOpen ? 0x04 : 0) | (s.paperOut ? 0x20 : 0) | (s.error ? 0x40 : 0);
  const paper = 0x12 | (s.paperNearEnd || s.paperOut ? 0x0c : 0) | (s.paperOut ? 0x60 : 0);
  return Uint8Array.of(printer, offline, paper);
}

export type PrinterProblem = 'PAPER_OUT' | 'COVER_OPEN' | 'OFFLINE' | 'PRINTER_ERROR';

/** Why the printer cannot print now (most urgent first), or null when it can. */
export function blockingProblem(s: PrinterStatus): PrinterProblem | null {
  if (s.paperOut) return 'PAPER_OUT';
  if (s.coverOpen) return 'COVER_OPEN';
  if (s.error) return 'PRINTER_ERROR';
  if (!s.online) return 'OFFLINE';
  return null;
}
