/**
 * The part of the kiosk context the lane needs. The lane service is built inside createKiosk
 * before the context is complete (the context holds the service), so it takes this instead.
 */
import type { ServiceContext } from '../services/context.js';

export type LaneCore = Omit<ServiceContext, 'lane'>;
