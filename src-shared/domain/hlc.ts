/**
 * Hybrid logical clock (Kulkarni et al.) for ordering sync events across kiosks. Pure: physical
 * time comes in as a parameter. Encoded form is fixed-width so string order == causal order:
 *   <15-digit zero-padded wallMs>-<6-digit counter>-<node>
 */

export type Hlc = { wallMs: number; counter: number; node: string };

export const HLC_MAX_WALL_MS = 999_999_999_999_999; // 15 digits
export const HLC_MAX_COUNTER = 999_999; // 6 digits
const NODE_RE = /^[A-Za-z0-9._:-]{1,64}$/;
const ENCODED_RE = /^(\d{15})-(\d{6})-([A-Za-z0-9._:-]{1,64})$/;

export function isHlcNode(node: unknown): node is string {
  return typeof node === 'string' && NODE_RE.test(node);
}

function isWall(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= HLC_MAX_WALL_MS;
}
function isCounter(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 && n <= HLC_MAX_COUNTER;
}

export function isHlc(h: unknown): h is Hlc {
  if (h === null || typeof h !== 'object') return false;
  const x = h as Record<string, unknown>;
  return isWall(x.wallMs) && isCounter(x.counter) && isHlcNode(x.node);
}

function assertHlc(h: Hlc, name: string): void {
  if (!isHlc(h)) throw new RangeError(`${name} is not a valid HLC`);
}

function physical(ms: number): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new RangeError('physicalMs must be a finite epoch-ms number');
  return Math.min(Math.floor(ms), HLC_MAX_WALL_MS);
}

/** Counter overflow carries into the wall clock (1 ms ahead) instead of failing. */
function make(wallMs: number, counter: number, node: string): Hlc {
  if (counter > HLC_MAX_COUNTER) {
    if (wallMs >= HLC_MAX_WALL_MS) throw new RangeError('HLC exhausted');
    return { wallMs: wallMs + 1, counter: 0, node };
  }
  return { wallMs, counter, node };
}

/** Timestamp for a local event or a send. Strictly greater than `prev`. */
export function hlcNow(prev: Hlc, physicalMs: number): Hlc {
  assertHlc(prev, 'prev');
  const pt = physical(physicalMs);
  if (pt > prev.wallMs) return { wallMs: pt, counter: 0, node: prev.node };
  return make(prev.wallMs, prev.counter + 1, prev.node);
}

/** Timestamp on receiving `remote`. Strictly greater than both `local` and `remote`; keeps local's node. */
export function hlcReceive(local: Hlc, remote: Hlc, physicalMs: number): Hlc {
  assertHlc(local, 'local');
  assertHlc(remote, 'remote');
  const pt = physical(physicalMs);
  const wall = Math.max(local.wallMs, remote.wallMs, pt);
  let counter: number;
  if (wall === local.wallMs && wall === remote.wallMs) counter = Math.max(local.counter, remote.counter) + 1;
  else if (wall === local.wallMs) counter = local.counter + 1;
  else if (wall === remote.wallMs) counter = remote.counter + 1;
  else counter = 0;
  return make(wall, counter, local.node);
}

export function encodeHlc(h: Hlc): string {
  assertHlc(h, 'hlc');
  return `${String(h.wallMs).padStart(15, '0')}-${String(h.counter).padStart(6, '0')}-${h.node}`;
}

/** Parses an encoded HLC; null for anything that is not exactly one. Never throws. */
export function decodeHlc(s: string): Hlc | null {
  if (typeof s !== 'string' || s.length > 100) return null;
  const m = ENCODED_RE.exec(s);
  if (!m) return null;
  return { wallMs: Number(m[1]), counter: Number(m[2]), node: m[3]! };
}

/** -1, 0 or 1 by (wallMs, counter, node); same order as comparing the encoded strings. */
export function compareHlc(a: Hlc, b: Hlc): -1 | 0 | 1 {
  if (a.wallMs !== b.wallMs) return a.wallMs < b.wallMs ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  if (a.node !== b.node) return a.node < b.node ? -1 : 1;
  return 0;
}

/** The starting clock of a node (before any event). */
export function hlcInit(node: string): Hlc {
  if (!isHlcNode(node)) throw new RangeError('HLC node must be 1-64 chars of [A-Za-z0-9._:-]');
  return { wallMs: 0, counter: 0, node };
}
