/**
 * Child process for the print crash test: a kiosk core on the given database, its printer at the
 * given port, issues one ticket and prints "ISSUED <sessionId>"; then it waits to be SIGKILLed.
 */
import { createKiosk } from '../../../src-main/kiosk.js';

const [dbPath, port] = process.argv.slice(2);
const kiosk = await createKiosk({ dbPath: dbPath!, seedDemo: true, print: { statusIntervalMs: 60_000, replyTimeoutMs: 60_000 } });
const login = await kiosk.call('auth.login', { username: 'admin', pin: '2468' });
if (!login.ok) throw new Error('login failed');
const token = login.data.token;
const cfg = await kiosk.call('print.configure', { driver: 'tcp', host: '127.0.0.1', port: Number(port), paperWidth: 80 }, token);
if (!cfg.ok) throw new Error(cfg.error.message);
const s = await kiosk.call('gate.issueTicket', { vehicleNumber: 'KA07CR0001' }, token);
if (!s.ok) throw new Error(s.error.message);
console.log(`ISSUED ${s.data.id}`);
setInterval(() => {}, 1000);
