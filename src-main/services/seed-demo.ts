/** `--seed-demo`: two zones and one operator per role (API.md), only on an empty database. */
import type { Role } from '../../src-shared/contracts/roles.js';
import type { ServiceContext } from './context.js';
import { createOperator, operatorCount } from './operators.js';
import { createSlots, createZone, listZones } from './zones.js';

export const DEMO_PIN = '2468';

const slotNumbers = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`);

export function seedDemo(ctx: ServiceContext): boolean {
  if (operatorCount(ctx) > 0 || listZones(ctx).length > 0) return false;
  const roles: [string, Role][] = [['admin', 'ADMIN'], ['supervisor', 'SUPERVISOR'], ['cashier', 'CASHIER'], ['attendant', 'ATTENDANT']];
  const created = roles.map(([username, role]) =>
    createOperator(ctx, null, { username, name: username[0]!.toUpperCase() + username.slice(1), role, pin: DEMO_PIN }));
  const admin = { operatorId: created[0]!.id, username: 'admin', name: 'Admin', role: 'ADMIN' as const };
  const a = createZone(ctx, admin, { name: 'A', hourlyRatePaise: 4000 });
  createSlots(ctx, admin, a.id, slotNumbers('A', 10));
  const b = createZone(ctx, admin, { name: 'B', hourlyRatePaise: 2000 });
  createSlots(ctx, admin, b.id, slotNumbers('B', 5));
  return true;
}
