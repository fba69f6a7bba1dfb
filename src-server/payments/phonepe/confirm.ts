/**
 * PhonePe v2 webhooks carry only a static header (sha256 of the dashboard username:password), so
 * anyone who saw one header can send any body with it. PhonePe asks integrators to confirm a
 * callback with the status API before acting on it: the callback only says "look at this order";
 * what is applied is the gateway's own server-to-server answer for that order, never the body.
 */
import type { GatewayEvent } from '../gateway.js';
import type { GatewayRegistry } from '../registry.js';

/** The status API's word on the order a v2 callback names; throws (GatewayError) when the gateway cannot answer. */
export async function confirmWithStatusApi(gateways: GatewayRegistry, callback: GatewayEvent): Promise<GatewayEvent> {
  const gw = gateways.get('phonepe');
  const ref = callback.gatewayRef ?? callback.merchantRef;
  if (!gw || !ref) throw new Error('phonepe is not configured for status checks');
  const status = await gw.fetchStatus({ gatewayRef: ref, merchantRef: callback.merchantRef ?? ref });
  // A still-PENDING order is not a failure (payments.md): nothing to apply, the reconciler keeps polling.
  return { ...status, eventType: `${callback.eventType} (confirmed ${status.eventType})`, outcome: status.outcome === 'PENDING' ? 'IGNORED' : status.outcome };
}

/** v2 callbacks (Authorization header) are confirmed; v1 callbacks are signed over their body with the salt key. */
export const needsStatusConfirmation = (e: GatewayEvent): boolean => e.gateway === 'phonepe' && e.eventType.startsWith('checkout.');
