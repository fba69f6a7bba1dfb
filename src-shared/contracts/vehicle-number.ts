/**
 * The vehicle-number rule as part of the API contract: clients show the operator the form the
 * kiosk will store while they type. The rule itself lives in src-shared/domain/vehicle-number.ts.
 */
export { normaliseVehicleNumber } from '../domain/vehicle-number.js';
