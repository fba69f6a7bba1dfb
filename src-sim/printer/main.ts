/**
 * `npm run printer-sim -- [--port 9100] [--http 9101] [--width 80] [--out <dir>]`: a network
 * ESC/POS printer for development and tests. Control it with /_sim on the HTTP port, e.g.
 *   curl -X POST localhost:9101/_sim/state -d '{"paperOut":true}'
 */
import { startPrinterSim } from './sim.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const width = Number(arg('width') ?? 80);
const sim = await startPrinterSim({
  port: Number(arg('port') ?? 9100),
  httpPort: Number(arg('http') ?? 9101),
  paperWidth: width === 58 ? 58 : 80,
  outDir: arg('out') ?? 'printer-sim-out',
  log: (line) => console.log(`[printer-sim] ${line}`),
});
console.log(`printer-sim listening tcp=127.0.0.1:${sim.tcpPort} http=http://127.0.0.1:${sim.httpPort}/_sim`);
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
