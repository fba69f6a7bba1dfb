/**
 * Blocks -> ESC/POS bytes through @point-of-sale/receipt-printer-encoder (text, alignment, bold,
 * native QR via GS ( k, raster images via GS v 0, cut). Lines with characters outside printable
 * ASCII become raster lines (raster-text.ts); QR codes can be drawn by the core instead of the
 * printer (qrMode 'raster') for printers that lack GS ( k.
 */
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import QRCode from 'qrcode';
import type { PaperWidth } from '../../src-shared/contracts/print.js';
import { needsRaster, type Block } from './templates/blocks.js';
import { rasterText, type RasterLine } from './raster-text.js';

export interface RenderOptions {
  paperWidth: PaperWidth;
  qrMode: 'native' | 'raster';
}

/** Dots across the printable area and Font A (12 x 24) columns. */
export function paperGeometry(width: PaperWidth): { dots: number; columns: number } {
  return width === 58 ? { dots: 384, columns: 32 } : { dots: 576, columns: 48 };
}

/** Native QR module size (dots per module) and the raster equivalent. */
const QR_MODULE_DOTS = 6;
const TEXT_PX = 24;

function padPair(left: string, right: string, columns: number): string {
  const room = columns - right.length - 1;
  const l = left.length > room ? left.slice(0, Math.max(0, room)) : left;
  return `${l}${' '.repeat(Math.max(1, columns - l.length - right.length))}${right}`;
}

/** A QR matrix as a raster image: quiet zone of 4 modules, each module QR_MODULE_DOTS square. */
export function qrRaster(data: string, maxWidth: number): RasterLine {
  const qr = QRCode.create(data, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const scale = Math.max(1, Math.min(QR_MODULE_DOTS, Math.floor(maxWidth / (n + 8))));
  const side = Math.ceil(((n + 8) * scale) / 8) * 8;
  const width = maxWidth;
  const height = side;
  const out = new Uint8ClampedArray(width * height * 4).fill(255);
  const x0 = Math.floor((width - (n + 8) * scale) / 2) + 4 * scale;
  const y0 = 4 * scale;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!qr.modules.get(r, c)) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const i = ((y0 + r * scale + dy) * width + (x0 + c * scale + dx)) * 4;
          out[i] = out[i + 1] = out[i + 2] = 0;
        }
      }
    }
  }
  return { width, height, data: out };
}

export function renderEscPos(blocks: Block[], o: RenderOptions): Uint8Array {
  const { dots, columns } = paperGeometry(o.paperWidth);
  const enc = new ReceiptPrinterEncoder({ language: 'esc-pos', columns, imageMode: 'raster', feedBeforeCut: 4 });
  enc.initialize();
  const image = (img: RasterLine) => enc.image(img, img.width, img.height, 'threshold', 128);
  for (const b of blocks) {
    switch (b.kind) {
      case 'text': {
        const px = b.size === 2 ? TEXT_PX * 2 : b.small ? 18 : TEXT_PX;
        if (needsRaster(b.text)) {
          enc.align('left');
          image(rasterText(b.text, { width: dots, px, bold: b.bold ?? false, align: b.align ?? 'left' }));
          break;
        }
        enc.align(b.align ?? 'left');
        if (b.bold) enc.bold(true);
        if (b.size === 2) enc.size(2, 2);
        if (b.small) enc.font('B');
        enc.line(b.text);
        if (b.small) enc.font('A');
        if (b.size === 2) enc.size(1, 1);
        if (b.bold) enc.bold(false);
        break;
      }
      case 'pair':
        if (needsRaster(b.left) || needsRaster(b.right)) {
          enc.align('left');
          image(rasterText(b.left, { width: dots, px: TEXT_PX, bold: b.bold ?? false, right: b.right }));
        } else {
          enc.align('left');
          if (b.bold) enc.bold(true);
          enc.line(padPair(b.left, b.right, columns));
          if (b.bold) enc.bold(false);
        }
        break;
      case 'qr':
        if (o.qrMode === 'native') {
          enc.align('center');
          enc.qrcode(b.data, { model: 2, size: QR_MODULE_DOTS, errorlevel: 'm' });
        } else {
          enc.align('left');
          image(qrRaster(b.data, dots));
        }
        break;
      case 'rule':
        enc.align('left');
        enc.line('-'.repeat(columns));
        break;
      case 'feed':
        enc.newline(b.lines);
        break;
      case 'cut':
        enc.cut('partial');
        break;
    }
  }
  return enc.encode();
}
