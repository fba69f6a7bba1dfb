/** `npm run server`: configuration from the environment, then listen and reconcile until stopped. */
import { buildServer } from './app.js';
import { startBookingSweep } from './bookings/service.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`parkgate-server: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const server = await buildServer({ config });
  const address = await server.app.listen({ host: config.host, port: config.port });
  server.ctx.reconciler.start(config.reconcileIntervalMs);
  // publish/settle parker bookings with the gates (docs/sync.md "Parker bookings")
  startBookingSweep({
    payments: server.ctx.payments, reconciler: server.ctx.reconciler, get gates() { return server.ctx.syncEvents ?? null; },
    maxActivePerParker: config.maxActiveBookingsPerParker, holdMs: config.bookingHoldMinutes * 60_000,
  }, Math.max(1000, config.reconcileIntervalMs));
  const port = new URL(address).port;
  process.stdout.write(`listening on http://127.0.0.1:${port}${config.host === '127.0.0.1' ? '' : ` (bound to ${config.host})`}\n`);

  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    server.ctx.log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`parkgate-server: failed to start: ${(err as Error).message}\n`);
  process.exit(1);
});
