/** The lane's part of a cashier's Z report: the shift's manual openings and vend exceptions (40 columns). */
import type { LaneCore } from './lane-core.js';
import { listExceptions } from './exceptions.js';
import { manualOpenings } from './openings.js';

const W = 40;
const clip = (s: string, n = W - 2) => (s.length > n ? `${s.slice(0, n - 1)}~` : s);

export function laneShiftLines(core: LaneCore, shiftId: string, time: (isoText: string) => string): string[] {
  const manual = manualOpenings(core, { shiftId });
  const vend = listExceptions(core, { shiftId });
  if (!manual.length && !vend.length) return [];
  const rule = '-'.repeat(W);
  const out = [rule, `Manual openings (${manual.length})`];
  for (const o of manual) {
    out.push(clip(`${time(o.requestedAt).slice(11)} ${o.reasonCode ?? ''} by ${o.supervisorName ?? '?'}`, W));
    if (o.reasonText) out.push(`  ${clip(o.reasonText)}`);
  }
  out.push(rule, `Vend exceptions (${vend.length})`);
  for (const e of vend) out.push(clip(`${time(e.at).slice(11)} ${e.kind}${e.vehicleNumber ? ` ${e.vehicleNumber}` : ''}`, W));
  return out;
}
