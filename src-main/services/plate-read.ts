/**
 * lane.plateRead: where a plate camera integration feeds the kiosk (plate, confidence, still image).
 * It answers with the cars the read could be; the exit screen shows them and the cashier (or the
 * plate-first quote, when the read is trusted and unique) takes it from there. A read alone never
 * quotes or opens anything. The still is checked (a real JPEG) and not stored.
 */
import { PLATE_READ_TRUSTED_CONFIDENCE, type PlateReadResult } from '../../src-shared/contracts/plate.js';
import { checkSnapshot } from '../lane/openings-manual.js';
import type { ServiceContext } from './context.js';
import { findByPlate } from './plate-exit.js';

export function plateRead(ctx: ServiceContext, input: { plate: string; confidence: number; image?: string | undefined }): PlateReadResult {
  if (input.image) checkSnapshot(input.image);
  const found = findByPlate(ctx, input.plate);
  return { ...found, confidence: input.confidence, needsConfirmation: input.confidence < PLATE_READ_TRUSTED_CONFIDENCE || found.unique === null };
}
