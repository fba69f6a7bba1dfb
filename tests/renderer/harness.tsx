/**
 * Component-test harness: a fake `window.parkgate` bridge (so the real API client runs), fake
 * scanners (camera + keyboard wedge) the test can fire, and store resets between tests.
 */
import type { ApiMethod, KioskEvent } from '../../src-shared/contracts/api.js';
import type { ErrorCode } from '../../src-shared/contracts/errors.js';
import type { Payment, Quote, Session, Zone } from '../../src-shared/contracts/entities.js';
import type { Role } from '../../src-shared/contracts/roles.js';
import { setToken, subscribeEvents } from '../../src-renderer/api/client.js';
import { emitKioskEvent } from '../../src-renderer/lib/events.js';
import { useConnectivity } from '../../src-renderer/stores/connectivity.js';
import { useLanguage } from '../../src-renderer/stores/language.js';
import { useSession } from '../../src-renderer/stores/session.js';
import { useUi } from '../../src-renderer/stores/ui.js';
import { useShift } from '../../src-renderer/stores/shift.js';

export class Fail {
  constructor(readonly code: ErrorCode, readonly message: string = code, readonly details?: unknown, readonly key?: string, readonly params?: Record<string, string | number | null>) {}
}

function failBody(f: Fail) {
  return {
    code: f.code, message: f.message,
    ...(f.details !== undefined ? { details: f.details } : {}),
    ...(f.key ? { key: f.key, params: f.params ?? {} } : {}),
  };
}

type Handler = (input: Record<string, unknown>) => unknown;
export type Handlers = Partial<Record<ApiMethod, Handler>>;

export interface FakeBridge {
  calls: { method: string; input: Record<string, unknown> }[];
  handlers: Handlers;
  emit(e: KioskEvent): void;
  callsOf(method: ApiMethod): Record<string, unknown>[];
}

export function installBridge(handlers: Handlers): FakeBridge {
  const listeners = new Set<(e: KioskEvent) => void>();
  const bridge: FakeBridge = {
    calls: [],
    handlers,
    emit: (e) => listeners.forEach((l) => l(e)),
    callsOf: (m) => bridge.calls.filter((c) => c.method === m).map((c) => c.input),
  };
  window.parkgate = {
    async call(method, input) {
      const i = (input ?? {}) as Record<string, unknown>;
      bridge.calls.push({ method, input: i });
      const h = bridge.handlers[method as ApiMethod];
      if (!h) return { ok: false, error: { code: 'NOT_FOUND', message: `no fake for ${method}` } };
      try {
        const data = await h(i);
        if (data instanceof Fail) return { ok: false, error: failBody(data) };
        return { ok: true, data };
      } catch (e) {
        if (e instanceof Fail) return { ok: false, error: failBody(e) };
        throw e;
      }
    },
    onEvent(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
  };
  return bridge;
}

import { scanners } from './fake-scanners.js';
export { scanners };

export function loginAs(role: Role, name = `${role.toLowerCase()} user`): void {
  setToken('t-1');
  useSession.setState({ token: 't-1', operator: { id: 'op-1', username: role.toLowerCase(), name, role } });
}

export function resetStores(): void {
  setToken(null);
  useSession.setState({ token: null, operator: null });
  useConnectivity.setState({ reachable: true, online: true, pendingEvents: 0, lastSyncAt: null, syncProblem: null, needsSetup: false, offsetMs: 0 });
  useLanguage.setState({ lang: 'en' });
  useUi.setState({ screen: 'entry' });
  useShift.setState({ shift: null, loaded: false });
  sessionStorage.clear();
  localStorage.clear();
  scanners.cameraOnCode = null;
  scanners.wedgeOnCode = null;
}

export const zoneA: Zone = {
  id: 'z-a', name: 'A', hourlyRatePaise: 4000, isActive: true,
  tariff: { graceMinutes: 5, dailyCapPaise: null, lostTicketFeePaise: 20000, exitGraceMinutes: 15 },
  totalSlots: 10, availableSlots: 7,
};
export const zoneB: Zone = { ...zoneA, id: 'z-b', name: 'B', hourlyRatePaise: 2000, totalSlots: 5, availableSlots: 0 };

export function session(over: Partial<Session> = {}): Session {
  return {
    id: 's-1', code: 'PG1.ticket-code', vehicleNumber: 'KA01AB1234', ownerName: null, zoneId: 'z-a', zoneName: 'A',
    slotNumber: 'A-03', status: 'PARKED', bookedAt: '2026-11-24T04:00:00.000Z', entryAt: '2026-11-24T04:00:00.000Z',
    exitAt: null, amountDuePaise: null, amountPaidPaise: 0, paymentMethod: null, paymentStatus: null, conflict: false,
    lostTicket: false, ...over,
  };
}

export function quote(over: Partial<Quote> = {}): Quote {
  return {
    sessionId: 's-1', entryAt: '2026-11-24T04:00:00.000Z', quotedAt: '2026-11-24T06:10:00.000Z', durationSeconds: 7800,
    billableHours: 3, amountDuePaise: 12000, feePaise: 12000, lostTicketFeePaise: 0, amountPaidPaise: 0, zoneId: 'z-a',
    slotNumber: 'A-03', validUntil: '2026-11-24T06:25:00.000Z', ...over,
  };
}

export function payment(over: Partial<Payment> = {}): Payment {
  return {
    id: 'p-1', sessionId: 's-1', method: 'ONLINE', status: 'PENDING', amountPaise: 12000, gateway: 'sim', gatewayRef: 'ref-1',
    upiUri: 'upi://pay?pa=parkgate@upi&pn=ParkGate&am=120.00&cu=INR', createdAt: new Date().toISOString(),
    expiresAt: new Date(Date.now() + 5 * 60_000).toISOString(), completedAt: null, ...over,
  };
}

/** What App does at start: forward the bridge's events to the screens. Returns unsubscribe. */
export function connectEvents(): () => void {
  return subscribeEvents(emitKioskEvent);
}
