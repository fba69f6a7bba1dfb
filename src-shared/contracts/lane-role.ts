/** A kiosk's lane: cars come in (ENTRY), go out and pay (EXIT), or both at one booth. */
export const LANE_ROLES = ['ENTRY', 'EXIT', 'BOTH'] as const;
export type LaneRole = (typeof LANE_ROLES)[number];
