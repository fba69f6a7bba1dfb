/**
 * The simulator's own ESC/POS interpreter: bytes in, what a printer would put on paper out
 * (text lines with their style, GS v 0 raster images, GS ( k QR codes, cuts), plus the DLE EOT
 * real-time status queries it must answer. Written from the command reference, independently of
 * the product's encoder, so a test that decodes the product's bytes here proves something.
 * It parses a growing buffer: a command cut off at the end of a chunk waits for the next chunk.
 */

export type Align = 'left' | 'center' | 'right';

export type PaperItem =
  | { kind: 'text'; text: string; bold: boolean; widthMul: number; heightMul: number; font: 'A' | 'B' }
  | { kind: 'raster'; width: number; height: number; align: Align; /** 1 = black dot, row-major */ bits: Uint8Array }
  | { kind: 'qr'; data: string; moduleSize: number; ecLevel: 'L' | 'M' | 'Q' | 'H'; align: Align }
  | { kind: 'cut' };

export type ParseEvent = { kind: 'paper'; item: PaperItem } | { kind: 'status'; n: number } | { kind: 'unknown'; bytes: number[] };

interface State {
  bold: boolean;
  widthMul: number;
  heightMul: number;
  font: 'A' | 'B';
  align: Align;
  qrData: string;
  qrModule: number;
  qrEc: 'L' | 'M' | 'Q' | 'H';
}

const fresh = (): State => ({ bold: false, widthMul: 1, heightMul: 1, font: 'A', align: 'left', qrData: '', qrModule: 3, qrEc: 'L' });

const ALIGN: Align[] = ['left', 'center', 'right'];
const EC: Record<number, 'L' | 'M' | 'Q' | 'H'> = { 48: 'L', 49: 'M', 50: 'Q', 51: 'H' };

export class EscPosParser {
  private buf: number[] = [];
  private state = fresh();
  private line: number[] = [];
  private lineBold = false;
  private lineW = 1;
  private lineH = 1;

  /** Feeds bytes; returns what became complete (paper items, status queries) in order. */
  push(chunk: ArrayLike<number>): ParseEvent[] {
    for (let i = 0; i < chunk.length; i++) this.buf.push(chunk[i]!);
    const out: ParseEvent[] = [];
    let pos = 0;
    for (;;) {
      const used = this.step(pos, out);
      if (used === 0) break;
      pos += used;
    }
    this.buf.splice(0, pos);
    return out;
  }

  /** Bytes waiting for the rest of a command (a job cut off mid-command leaves some). */
  pending(): number {
    return this.buf.length;
  }

  /** Whatever text is on the current line when the job ends without a line feed. */
  flush(): ParseEvent[] {
    const out: ParseEvent[] = [];
    if (this.line.length) this.endLine(out);
    return out;
  }

  private endLine(out: ParseEvent[]): void {
    const text = Buffer.from(this.line).toString('latin1');
    out.push({ kind: 'paper', item: { kind: 'text', text, bold: this.lineBold, widthMul: this.lineW, heightMul: this.lineH, font: this.state.font } });
    this.line = [];
    this.lineBold = false;
    this.lineW = 1;
    this.lineH = 1;
  }

  /** Parses one command at pos; returns its length, or 0 when it is incomplete or the buffer is empty. */
  private step(pos: number, out: ParseEvent[]): number {
    const b = this.buf;
    const avail = b.length - pos;
    if (avail <= 0) return 0;
    const c = b[pos]!;
    const need = (n: number) => avail >= n;
    if (c === 0x0a) {
      this.endLine(out);
      return 1;
    }
    if (c === 0x0d) return 1;
    if (c === 0x10) {
      // DLE EOT n: real-time status; DLE ENQ n / DLE DC4 ...: other real-time commands.
      if (!need(3)) return 0;
      if (b[pos + 1] === 0x04) out.push({ kind: 'status', n: b[pos + 2]! });
      else out.push({ kind: 'unknown', bytes: b.slice(pos, pos + 3) });
      return 3;
    }
    if (c === 0x1b) {
      if (!need(2)) return 0;
      const op = b[pos + 1]!;
      if (op === 0x40) {
        this.state = fresh();
        return 2;
      }
      if (!need(3)) return 0;
      const n = b[pos + 2]!;
      switch (op) {
        case 0x45: this.state.bold = (n & 1) === 1; return 3; // ESC E
        case 0x4d: this.state.font = n === 1 || n === 49 ? 'B' : 'A'; return 3; // ESC M
        case 0x61: this.state.align = ALIGN[n % 48] ?? 'left'; return 3; // ESC a
        case 0x74: case 0x2d: case 0x34: case 0x33: case 0x21: case 0x20: case 0x52: case 0x47: return 3; // ESC t - 4 3 ! SP R G
        case 0x64: // ESC d n: print and feed n lines
          if (this.line.length) this.endLine(out);
          for (let i = 0; i < n; i++) out.push({ kind: 'paper', item: { kind: 'text', text: '', bold: false, widthMul: 1, heightMul: 1, font: this.state.font } });
          return 3;
        case 0x4a: return 3; // ESC J n
        case 0x32: return 2; // ESC 2
        default:
          out.push({ kind: 'unknown', bytes: b.slice(pos, pos + 2) });
          return 2;
      }
    }
    if (c === 0x1c) {
      if (!need(2)) return 0;
      return 2; // FS . / FS &: Kanji mode off/on
    }
    if (c === 0x1d) {
      if (!need(2)) return 0;
      const op = b[pos + 1]!;
      if (op === 0x21) { // GS ! n: character size
        if (!need(3)) return 0;
        const n = b[pos + 2]!;
        this.state.widthMul = ((n >> 4) & 7) + 1;
        this.state.heightMul = (n & 7) + 1;
        return 3;
      }
      if (op === 0x56) { // GS V m [n]: cut
        if (!need(3)) return 0;
        const m = b[pos + 2]!;
        const len = m === 65 || m === 66 || m === 97 || m === 98 ? 4 : 3;
        if (!need(len)) return 0;
        if (this.line.length) this.endLine(out);
        out.push({ kind: 'paper', item: { kind: 'cut' } });
        return len;
      }
      if (op === 0x76) { // GS v 0 m xL xH yL yH d1...dk: raster bit image
        if (!need(8)) return 0;
        const bytesPerRow = b[pos + 4]! + b[pos + 5]! * 256;
        const rows = b[pos + 6]! + b[pos + 7]! * 256;
        const len = 8 + bytesPerRow * rows;
        if (!need(len)) return 0;
        const width = bytesPerRow * 8;
        const bits = new Uint8Array(width * rows);
        for (let y = 0; y < rows; y++) {
          for (let xb = 0; xb < bytesPerRow; xb++) {
            const v = b[pos + 8 + y * bytesPerRow + xb]!;
            for (let k = 0; k < 8; k++) bits[y * width + xb * 8 + k] = (v >> (7 - k)) & 1;
          }
        }
        if (this.line.length) this.endLine(out);
        out.push({ kind: 'paper', item: { kind: 'raster', width, height: rows, align: this.state.align, bits } });
        return len;
      }
      if (op === 0x28) { // GS ( X pL pH ...: function commands (k = 2D codes)
        if (!need(5)) return 0;
        const fnClass = b[pos + 2]!;
        const plen = b[pos + 3]! + b[pos + 4]! * 256;
        const len = 5 + plen;
        if (!need(len)) return 0;
        if (fnClass === 0x6b && plen >= 3 && b[pos + 5] === 49) this.qrFunction(b.slice(pos + 6, pos + len), out);
        return len;
      }
      if (op === 0x42 || op === 0x48 || op === 0x66 || op === 0x68 || op === 0x77 || op === 0x4c || op === 0x57) {
        return need(3) ? 3 : 0; // GS B/H/f/h/w n
      }
      out.push({ kind: 'unknown', bytes: b.slice(pos, pos + 2) });
      return 2;
    }
    if (c === 0x09) {
      this.line.push(0x20);
      return 1;
    }
    if (c < 0x20) {
      out.push({ kind: 'unknown', bytes: [c] });
      return 1;
    }
    this.line.push(c);
    this.lineBold ||= this.state.bold;
    this.lineW = Math.max(this.lineW, this.state.widthMul);
    this.lineH = Math.max(this.lineH, this.state.heightMul);
    return 1;
  }

  /** GS ( k cn=49 (QR): fn 65 model, 67 module size, 69 error level, 80 store, 81 print. */
  private qrFunction(p: number[], out: ParseEvent[]): void {
    const fn = p[0]!;
    if (fn === 67) this.state.qrModule = p[1] ?? 3;
    else if (fn === 69) this.state.qrEc = EC[p[1] ?? 48] ?? 'L';
    else if (fn === 80) this.state.qrData = Buffer.from(p.slice(2)).toString('latin1');
    else if (fn === 81) {
      if (this.line.length) this.endLine(out);
      out.push({ kind: 'paper', item: { kind: 'qr', data: this.state.qrData, moduleSize: this.state.qrModule, ecLevel: this.state.qrEc, align: this.state.align } });
    }
  }
}

/** Parses a whole job at once (tests, the bench). */
export function parseEscPos(bytes: ArrayLike<number>): { items: PaperItem[]; statusQueries: number[]; unknown: number[][] } {
  const p = new EscPosParser();
  const events = [...p.push(bytes), ...p.flush()];
  return {
    items: events.flatMap((e) => (e.kind === 'paper' ? [e.item] : [])),
    statusQueries: events.flatMap((e) => (e.kind === 'status' ? [e.n] : [])),
    unknown: events.flatMap((e) => (e.kind === 'unknown' ? [e.bytes] : [])),
  };
}
