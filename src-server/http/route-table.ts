/** Every route is declared once here-style (method, url, auth, input schema) so /openapi.json is generated, not hand-written. */
import { z } from 'zod';

export type RouteAuth = 'none' | 'kiosk' | 'parker' | 'gateway-signature' | 'metrics-token' | 'admin-token' | 'merchant-token';

export interface RouteDoc {
  method: 'GET' | 'POST';
  url: string;
  summary: string;
  tag: string;
  auth: RouteAuth;
  body?: z.ZodType;
  params?: z.ZodType;
  /** Query parameters (an object schema): documented as `in: query`. */
  query?: z.ZodObject;
}

export class RouteTable {
  readonly routes: RouteDoc[] = [];
  add(doc: RouteDoc): RouteDoc {
    this.routes.push(doc);
    return doc;
  }

  openApi(version: string): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of this.routes) {
      const path = r.url.replace(/:([A-Za-z]+)/g, '{$1}');
      const params: Record<string, unknown>[] = [...r.url.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
      for (const [name, schema] of Object.entries(r.query?.shape ?? {})) {
        params.push({ name, in: 'query', required: !(schema as z.ZodType).safeParse(undefined).success, schema: z.toJSONSchema(schema as z.ZodType, { io: 'input' }) });
      }
      const security =
        r.auth === 'kiosk' ? [{ kioskSignature: [] }] : r.auth === 'parker' ? [{ parkerBearer: [] }] : r.auth === 'gateway-signature' ? [{ gatewaySignature: [] }] : r.auth === 'metrics-token' ? [{ metricsBearer: [] }] : r.auth === 'admin-token' ? [{ adminBearer: [] }] : r.auth === 'merchant-token' ? [{ merchantBearer: [] }] : [];
      paths[path] ??= {};
      paths[path][r.method.toLowerCase()] = {
        summary: r.summary,
        tags: [r.tag],
        security,
        parameters: params,
        ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(r.body, { io: 'input' }) } } } } : {}),
        responses: {
          '200': { description: 'Success: `{ ok: true, data }`' },
          '4XX': { description: 'Failure: `{ ok: false, error: { code, message, details? } }`' },
        },
      };
    }
    return {
      openapi: '3.1.0',
      info: { title: 'ParkGate central server', version },
      paths,
      components: {
        securitySchemes: {
          kioskSignature: {
            type: 'apiKey',
            in: 'header',
            name: 'x-kiosk-signature',
            description: 'hex HMAC-SHA256(signingKey, METHOD\\npath\\ntimestamp\\nnonce\\nsha256hex(body)) with x-kiosk-id, x-kiosk-timestamp and x-kiosk-nonce (a request id, refused when seen again)',
          },
          parkerBearer: { type: 'http', scheme: 'bearer', description: 'Opaque token from /parker/v1/login' },
          metricsBearer: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN from the server environment' },
          adminBearer: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN from the server environment (head office: facilities, occupancy, revenue)' },
          merchantBearer: { type: 'http', scheme: 'bearer', description: 'A merchant credential pgm.<id>.<secret>, issued by the head office (POST /admin/v1/merchants/{merchantId}/credentials or server:cli merchant token add)' },
          gatewaySignature: { type: 'apiKey', in: 'header', name: 'x-razorpay-signature | x-verify | authorization' },
        },
      },
    };
  }
}
