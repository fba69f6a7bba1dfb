/** Vehicle search by (part of) the number plate, with the car's open session if any. */
import type { Vehicle } from '../../src-shared/contracts/entities.js';
import { vehicleSearchText } from '../../src-shared/domain/vehicle-number.js';
import type { ServiceContext } from './context.js';
import { OPEN_SESSION } from './session-records.js';
import { sessionQuery, toSession } from './views.js';

export function searchVehicles(ctx: ServiceContext, text: string): Vehicle[] {
  const { q, db } = ctx.store;
  const plate = vehicleSearchText(text);
  if (!plate) return [];
  const vehicles = q.all(
    db.selectFrom('vehicles').select(['id', 'vehicle_number', 'owner_name'])
      .where('vehicle_number', 'like', `%${plate}%`).orderBy('vehicle_number').limit(20),
  );
  return vehicles.map((v) => {
    const open = q.first(
      sessionQuery(ctx.store).where('sessions.vehicle_id', '=', v.id).where(OPEN_SESSION),
    );
    return { id: v.id, vehicleNumber: v.vehicle_number, ownerName: v.owner_name, openSession: open ? toSession(open) : null };
  });
}
