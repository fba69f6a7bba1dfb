/** A small Prometheus text-format registry: labelled counters plus gauges collected at scrape time. */

type Labels = Record<string, string>;

function key(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(key(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [k, v] of this.values) lines.push(k ? `${this.name}{${k}} ${v}` : `${this.name} ${v}`);
    return lines.join('\n');
  }
}

export interface GaugeSample {
  labels: Labels;
  value: number;
}
type GaugeCollector = () => Promise<GaugeSample[]>;

export class Metrics {
  readonly httpRequests = new Counter('parkgate_http_requests_total', 'HTTP requests by route and status code');
  readonly webhooks = new Counter('parkgate_webhooks_total', 'Verified webhooks by gateway and outcome');
  readonly webhookFailures = new Counter('parkgate_webhook_failures_total', 'Refused webhooks by gateway and reason');
  readonly paymentTransitions = new Counter('parkgate_payment_transitions_total', 'Payment state changes by target state and source');
  readonly gatewayErrors = new Counter('parkgate_gateway_errors_total', 'Failed calls to a payment gateway by gateway and operation');
  readonly changeNotifications = new Counter('parkgate_change_notifications_total', 'Change-log notifications (PostgreSQL NOTIFY) sent, received, and listen reconnects');
  private readonly gauges: Array<{ name: string; help: string; type: 'gauge' | 'counter'; collect: GaugeCollector }> = [];

  /** A value read at scrape time; `type: 'counter'` for a running total kept elsewhere. */
  gauge(name: string, help: string, collect: GaugeCollector, type: 'gauge' | 'counter' = 'gauge'): void {
    this.gauges.push({ name, help, type, collect });
  }

  async render(): Promise<string> {
    const parts = [this.httpRequests, this.webhooks, this.webhookFailures, this.paymentTransitions, this.gatewayErrors, this.changeNotifications].map((c) => c.render());
    for (const g of this.gauges) {
      const samples = await g.collect();
      const lines = [`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} ${g.type}`];
      for (const s of samples) {
        const k = key(s.labels);
        lines.push(k ? `${g.name}{${k}} ${s.value}` : `${g.name} ${s.value}`);
      }
      parts.push(lines.join('\n'));
    }
    return `${parts.join('\n')}\n`;
  }
}
