/**
 * Passes by plate (docs/passes.md "By plate"): where a plate camera (or an operator typing the
 * plate) feeds a pass lane. The read names the passes whose plates it is or looks like
 * (src-shared/domain/plate-match.ts); only one exact match from a trusted read (or a typed plate)
 * enters / exits, through the same rules as a scan. Anything else is returned for the operator to
 * pick (`passId`), never guessed. The still is checked (a real JPEG) and not stored.
 */
import { AppError } from '../../src-shared/contracts/errors.js';
import type { PassPlateCandidate, PassPlateOutcome } from '../../src-shared/contracts/passes.js';
import { PLATE_READ_TRUSTED_CONFIDENCE } from '../../src-shared/contracts/plate.js';
import { matchPlate } from '../../src-shared/domain/plate-match.js';
import { checkSnapshot } from '../lane/openings-manual.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { iso } from '../services/views.js';
import { enterPass, exitPass } from './gate.js';
import { passRow, presenceOf } from './records.js';

interface PlateRead { plate: string; confidence?: number | undefined; image?: string | undefined; passId?: string | undefined }

/** Passes not ended whose plates the read is or looks like (exact matches first, then by holder). */
export function passCandidates(ctx: ServiceContext, plate: string): PassPlateCandidate[] {
  const { q, db } = ctx.store;
  const rows = q.all(db.selectFrom('season_passes').selectAll().where('valid_until', '>', ctx.clock.now()).where('plates', '!=', '[]'));
  const out: PassPlateCandidate[] = [];
  for (const r of rows) {
    let best: PassPlateCandidate | null = null;
    for (const stored of JSON.parse(r.plates) as string[]) {
      const match = matchPlate(plate, stored);
      if (!match || (best && best.match === 'EXACT')) continue;
      best = { passId: r.id, holderName: r.holder_name, plate: stored, match, validUntil: iso(r.valid_until)!, inside: presenceOf(ctx, r).inside };
    }
    if (best) out.push(best);
  }
  return out.sort((a, b) => (a.match === b.match ? a.holderName.localeCompare(b.holderName) || a.passId.localeCompare(b.passId) : a.match === 'EXACT' ? -1 : 1));
}

function resolve(ctx: ServiceContext, input: PlateRead): { candidates: PassPlateCandidate[]; chosen: PassPlateCandidate | null } {
  if (input.image) checkSnapshot(input.image);
  const candidates = passCandidates(ctx, input.plate);
  if (candidates.length === 0) {
    throw new AppError('NOT_FOUND', `No valid pass holds vehicle ${input.plate}.`, { reason: 'NO_PASS_FOR_PLATE' });
  }
  if (input.passId !== undefined) {
    const picked = candidates.find((c) => c.passId === input.passId);
    if (!picked) throw new AppError('NOT_FOUND', `That pass is not one of the passes matching ${input.plate}.`, { reason: 'NOT_A_CANDIDATE', candidates });
    return { candidates, chosen: picked };
  }
  const trusted = input.confidence === undefined || input.confidence >= PLATE_READ_TRUSTED_CONFIDENCE;
  const only = candidates.length === 1 && candidates[0]!.match === 'EXACT' && trusted ? candidates[0]! : null;
  return { candidates, chosen: only };
}

function outcome<T>(input: PlateRead, candidates: PassPlateCandidate[], result: T | null): PassPlateOutcome<T> {
  return { plate: input.plate, confidence: input.confidence ?? null, candidates, needsConfirmation: result === null, result };
}

export function enterByPlate(ctx: ServiceContext, actor: Actor, input: PlateRead & { zoneId?: string | undefined }) {
  return ctx.store.q.tx(() => {
    const { candidates, chosen } = resolve(ctx, input);
    const result = chosen ? enterPass(ctx, actor, passRow(ctx, chosen.passId), { vehicleNumber: chosen.plate, zoneId: input.zoneId }) : null;
    return outcome(input, candidates, result);
  });
}

export function exitByPlate(ctx: ServiceContext, actor: Actor, input: PlateRead) {
  return ctx.store.q.tx(() => {
    const { candidates, chosen } = resolve(ctx, input);
    const result = chosen ? exitPass(ctx, actor, passRow(ctx, chosen.passId), chosen.plate) : null;
    return outcome(input, candidates, result);
  });
}
