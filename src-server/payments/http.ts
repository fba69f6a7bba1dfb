/** JSON over HTTP for gateway adapters and the simulator: timeouts, typed failures, no secrets in errors. */
import { GatewayError } from './gateway.js';

export interface JsonRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
  timeoutMs?: number;
}

export async function requestJson(req: JsonRequest): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(req.url, {
      method: req.method,
      headers: { accept: 'application/json', ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}), ...req.headers },
      body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
      signal: AbortSignal.timeout(req.timeoutMs ?? 10_000),
    });
  } catch (err) {
    throw new GatewayError(`${req.method} ${new URL(req.url).pathname} failed: ${(err as Error).name}`);
  }
  const text = await res.text();
  if (!res.ok) throw new GatewayError(`${req.method} ${new URL(req.url).pathname} answered ${res.status}`, res.status);
  try {
    return text ? (JSON.parse(text) as unknown) : {};
  } catch {
    throw new GatewayError(`${req.method} ${new URL(req.url).pathname} answered non-JSON`, res.status);
  }
}
