/** The `lane.*` API methods over the lane service and its stores (bound in src-main/api/handlers.ts). */
import type { LaneSettingsView, LaneConfigPatch, LaneOpening, VendException } from '../../src-shared/contracts/lane.js';
import { laneDeviceSettingsView, type LaneDeviceSettings } from '../../src-shared/contracts/lane-devices.js';
import type { Actor, ServiceContext } from '../services/context.js';
import { getLaneConfig, getLaneDeviceSettings, laneTimeZone, saveLaneDeviceSettings, updateLaneConfig } from '../services/lane-settings.js';
import { dayBounds } from '../reports/time.js';
import { listExceptions } from './exceptions.js';
import { manualOpenings } from './openings.js';

export function laneSettingsView(ctx: ServiceContext): LaneSettingsView {
  return { config: getLaneConfig(ctx.store), devices: laneDeviceSettingsView(getLaneDeviceSettings(ctx.store)) };
}

export async function updateConfig(ctx: ServiceContext, actor: Actor, patch: LaneConfigPatch): Promise<LaneSettingsView> {
  updateLaneConfig(ctx, actor.operatorId, patch);
  await ctx.lane.reconfigure();
  return laneSettingsView(ctx);
}

export async function saveDevices(ctx: ServiceContext, actor: Actor, devices: LaneDeviceSettings): Promise<LaneSettingsView> {
  saveLaneDeviceSettings(ctx, actor.operatorId, devices);
  await ctx.lane.reconfigure();
  return laneSettingsView(ctx);
}

function range(ctx: ServiceContext, where: { date: string } | { shiftId: string }): { shiftId: string } | { start: number; end: number } {
  return 'shiftId' in where ? where : dayBounds(where.date, laneTimeZone(ctx.store));
}

export function exceptionsOf(ctx: ServiceContext, where: { date: string } | { shiftId: string }): VendException[] {
  ctx.lane.flush();
  return listExceptions(ctx, range(ctx, where));
}

export function manualOpeningsOf(ctx: ServiceContext, where: { date: string } | { shiftId: string }): LaneOpening[] {
  ctx.lane.flush();
  return manualOpenings(ctx, range(ctx, where));
}
