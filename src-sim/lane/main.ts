/**
 * `npm run lane-sim`: plays a lane's hardware on this machine with the real protocols, and
 * prints the settings to enter on the kiosk's Lane devices screen.
 *
 *   LANE_SIM_PORT (default 8091)         ISAPI barrier + /_sim control panel (HTTP)
 *   LANE_SIM_MODBUS_PORT (default 1502)  Modbus TCP IO module
 *   LANE_SIM_DIR (default /tmp/parkgate-lane-sim)  where the pty links are made
 *   LANE_SIM_MODE pulse|hold (default pulse), LANE_SIM_TRAVEL_MS (default 1500),
 *   LANE_SIM_PASS_MS (900), LANE_SIM_CLOSE_DELAY_MS (500), LANE_SIM_GAP_MS (250): how cars and the arm move
 *   LANE_SIM_ISAPI_USER / LANE_SIM_ISAPI_PASSWORD (default admin / sim-password)
 */
import { startLaneSim } from './sim.js';

function envInt(name: string, def: number): number {
  const v = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(v) ? v : def;
}

async function main(): Promise<void> {
  const sim = await startLaneSim({
    dir: process.env.LANE_SIM_DIR ?? '/tmp/parkgate-lane-sim',
    httpPort: envInt('LANE_SIM_PORT', 8091),
    modbusTcpPort: envInt('LANE_SIM_MODBUS_PORT', 1502),
    isapiUser: process.env.LANE_SIM_ISAPI_USER,
    isapiPassword: process.env.LANE_SIM_ISAPI_PASSWORD,
    lane: {
      mode: process.env.LANE_SIM_MODE === 'hold' ? 'hold' : 'pulse',
      travelMs: envInt('LANE_SIM_TRAVEL_MS', 1500),
      passMs: envInt('LANE_SIM_PASS_MS', 900),
      closeDelayMs: envInt('LANE_SIM_CLOSE_DELAY_MS', 500),
      gapMs: envInt('LANE_SIM_GAP_MS', 250),
    },
  });
  const out = [
    `lane-sim running (barrier: ${sim.lane.opts.mode} mode, ${sim.lane.opts.travelMs} ms travel)`,
    `  control panel   ${sim.url}/_sim/state   (POST /_sim/arrive, /_sim/pass, /_sim/reset, /_sim/tailgate, /_sim/leave, /_sim/chatter, /_sim/fault, /_sim/unplug, /_sim/replug)`,
    `  Modbus TCP      host 127.0.0.1 port ${sim.modbusTcp?.tcpPort}, any unit id: coil 0 = open, coil 1 = close; inputs 0 = arming, 1 = safety, 2 = barrier up`,
    `  Modbus RTU      ${sim.modbusRtu?.pty?.kioskPath} 9600 8N1, same coils and inputs`,
    `  USB relay       ${sim.relay?.pty.kioskPath} (LCUS board: relay 1 = open, relay 2 = close)`,
    `  ISAPI barrier   host 127.0.0.1 port ${sim.httpPort} channel 1, user ${sim.isapi.username}, password ${sim.isapi.password}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`lane-sim: ${(err as Error).message}\n`);
  process.exit(1);
});
