/** `npm run gateway-sim`: the local payment gateway simulator (GATEWAY_SIM_PORT, default 8090). */
import { buildGatewaySim } from './app.js';
import { loadSimulatorConfig } from './config.js';

async function main(): Promise<void> {
  const cfg = loadSimulatorConfig();
  const { app } = await buildGatewaySim(cfg, { logger: process.env.LOG_LEVEL === 'debug' });
  const address = await app.listen({ host: cfg.host, port: cfg.port });
  const flavours = [cfg.razorpay && 'razorpay', cfg.phonepe && 'phonepe', cfg.sim && 'sim'].filter(Boolean).join(', ') || 'none (set gateway secrets)';
  process.stdout.write(`gateway-sim listening on http://127.0.0.1:${new URL(address).port} (webhooks to ${cfg.serverUrl}; formats: ${flavours})\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`gateway-sim: ${(err as Error).message}\n`);
  process.exit(1);
});
