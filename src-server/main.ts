/** `npm run server`: configuration from the environment, then listen and reconcile until stopped. */
import { buildServer } from './app.js';
import type { AddressInfo } from 'node:net';
import { boundBaseUrl, ConfigError, loadConfig } from './config.js';
import { startPeriodicJobs } from './scale/jobs.js';

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
  // Links and webhook addresses name the port actually bound (PORT=0: the one the OS chose).
  const bound = server.app.server.address() as AddressInfo | null;
  if (!config.publicBaseUrlGiven && bound) config.publicBaseUrl = boundBaseUrl(bound);
  // reconciler, payment expiry, booking sweep: on one instance at a time (src-server/scale/leader.ts)
  const stopJobs = await startPeriodicJobs(server);
  const port = new URL(address).port;
  process.stdout.write(`listening on http://127.0.0.1:${port}${config.host === '127.0.0.1' ? '' : ` (bound to ${config.host})`}\n`);

  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    server.ctx.log.info({ signal }, 'shutting down');
    stopJobs().then(() => server.close()).then(
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
