#!/usr/bin/env node
/**
 * Draws the ParkGate icon (a white "P" on a blue rounded square with an amber-and-white gate
 * boom) and writes assets/icons/<N>x<N>.png for N in 16..1024 plus assets/icons/icon.ico
 * (PNG-compressed entries 16..256). No image library: shapes are signed-distance functions,
 * 4x4 supersampled, encoded with node:zlib. Deterministic: same bytes every run.
 *
 * Usage: node build/generate-icons.mjs
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'assets', 'icons');
export const PNG_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

// --- signed distance functions on the unit square (0..1) -----------------------------------
const sdRoundRect = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
const union = (a, b) => Math.min(a, b);
const subtract = (a, b) => Math.max(a, -b);

function sdP(x, y) {
  // Stem
  const stem = sdRoundRect(x, y, 0.355, 0.44, 0.065, 0.25, 0.02);
  // Bowl: a ring made of a rounded rect (flat left side merges into the stem)
  const outer = sdRoundRect(x, y, 0.5, 0.35, 0.2, 0.16, 0.15);
  const inner = sdRoundRect(x, y, 0.49, 0.35, 0.085, 0.06, 0.055);
  const bowl = Math.max(subtract(outer, inner), 0.32 - x); // keep x >= 0.32
  return union(stem, bowl);
}

function colourAt(x, y) {
  // Background: rounded square with a vertical gradient.
  const bg = sdRoundRect(x, y, 0.5, 0.5, 0.47, 0.47, 0.11);
  if (bg > 0) return null;
  const t = y;
  let c = [21 + (13 - 21) * t, 101 + (60 - 101) * t, 192 + (125 - 192) * t]; // #1565C0 -> #0D3C7D
  // Gate boom: a bar at the bottom with amber/white stripes, and its post.
  const post = sdRoundRect(x, y, 0.2, 0.8, 0.045, 0.09, 0.015);
  const bar = sdRoundRect(x, y, 0.52, 0.79, 0.32, 0.038, 0.03);
  if (bar <= 0) {
    const stripe = Math.floor((x - y * 0.6) * 12) % 2 === 0;
    c = stripe ? [255, 179, 0] : [250, 250, 250];
  }
  if (post <= 0) c = [38, 50, 56];
  if (sdP(x, y) <= 0) c = [255, 255, 255];
  return c;
}

function render(size) {
  const ss = 4;
  const px = Buffer.alloc(size * size * 4);
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const c = colourAt((i + (sx + 0.5) / ss) / size, (j + (sy + 0.5) / ss) / size);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const o = (j * size + i) * 4;
      if (a > 0) {
        px[o] = Math.round(r / a);
        px[o + 1] = Math.round(g / a);
        px[o + 2] = Math.round(b / a);
      }
      px[o + 3] = Math.round((a / (ss * ss)) * 255);
    }
  }
  return px;
}

// --- PNG encoding ------------------------------------------------------------------------------
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export function encodeIco(entries) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(entries.length, 4);
  const dir = Buffer.alloc(16 * entries.length);
  let offset = 6 + dir.length;
  entries.forEach(({ size, png }, i) => {
    const o = i * 16;
    dir[o] = size >= 256 ? 0 : size;
    dir[o + 1] = size >= 256 ? 0 : size;
    dir[o + 2] = 0;
    dir[o + 3] = 0;
    dir.writeUInt16LE(1, o + 4); // planes
    dir.writeUInt16LE(32, o + 6); // bpp
    dir.writeUInt32LE(png.length, o + 8);
    dir.writeUInt32LE(offset, o + 12);
    offset += png.length;
  });
  return Buffer.concat([header, dir, ...entries.map((e) => e.png)]);
}

function main() {
  mkdirSync(outDir, { recursive: true });
  const pngs = new Map();
  for (const size of PNG_SIZES) {
    const png = encodePng(size, render(size));
    pngs.set(size, png);
    writeFileSync(path.join(outDir, `${size}x${size}.png`), png);
  }
  writeFileSync(path.join(outDir, 'icon.png'), pngs.get(512));
  writeFileSync(path.join(outDir, 'icon.ico'), encodeIco(ICO_SIZES.map((size) => ({ size, png: pngs.get(size) }))));
  console.log(`icons: wrote ${PNG_SIZES.length} PNGs, icon.png and icon.ico to ${path.relative(root, outDir)}/`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
