/**
 * Admin > Lane devices: which driver moves the barrier and which reads the loops, their address,
 * contacts and pulse; the lane's role; "open barrier" and "read inputs" tests with the live result;
 * the lane rules (manual-opening reasons, timings) below.
 * The core validates everything again (lane-devices.ts schema).
 */
import { useEffect, useState } from 'react';
import type { LaneConfig, LaneRole, LaneTestResult } from '../../src-shared/contracts/lane.js';
import { BARRIER_DRIVERS, LOOP_DRIVERS, type LaneDeviceSettingsView } from '../../src-shared/contracts/lane-devices.js';
import { call } from '../api/client.js';
import { errorText, useT } from '../i18n/index.js';
import { useApiAction } from '../lib/use-api-action.js';
import { LaneRulesCard } from './LaneRulesCard.js';

type Obj = Record<string, unknown>;
const num = (v: string) => (v.trim() === '' ? undefined : Number(v));

/** Drops what the screen shows but the core does not take back (passwordSet), and empty optional fields. */
function toInput(d: LaneDeviceSettingsView): Obj {
  const { passwordSet: _p, ...barrier } = d.barrier as Obj & { passwordSet?: boolean };
  if (barrier.password === '') delete barrier.password;
  return { barrier, loops: d.loops };
}

function Field({ label, value, onChange, type = 'text', testId }: { label: string; value: unknown; onChange(v: string): void; type?: string; testId?: string }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input type={type} value={value == null ? '' : String(value)} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </label>
  );
}

export function LaneDevicesScreen() {
  const t = useT();
  const [config, setConfig] = useState<LaneConfig | null>(null);
  const [devices, setDevices] = useState<LaneDeviceSettingsView | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [test, setTest] = useState<string | null>(null);
  const saving = useApiAction();
  const testing = useApiAction();

  useEffect(() => {
    call('lane.getSettings', {}).then((s) => {
      setConfig(s.config);
      setDevices(s.devices);
    }, (e: unknown) => setMessage({ ok: false, text: errorText(t, e) }));
  }, []);
  if (!config || !devices) return message ? <p className="banner-error" role="alert">{message.text}</p> : null;

  const b = devices.barrier as Obj;
  const l = devices.loops as Obj;
  const setB = (patch: Obj) => setDevices({ ...devices, barrier: { ...b, ...patch } as never });
  const setL = (patch: Obj) => setDevices({ ...devices, loops: { ...l, ...patch } as never });
  const loopInput = (k: 'arming' | 'safety' | 'barrierUp') => (l[k] as { input: number } | null | undefined)?.input;
  const setLoopInput = (k: 'arming' | 'safety' | 'barrierUp', v: string) =>
    setL({ [k]: v.trim() === '' && k === 'barrierUp' ? null : { input: Number(v), polarity: 'active-high' } });

  async function save() {
    setMessage(null);
    const saved = await saving.run(async () => {
      const s = await call('lane.saveDevices', { devices: toInput(devices!) as never });
      await call('lane.updateConfig', { role: config!.role });
      return s;
    }, (e) => setMessage({ ok: false, text: errorText(t, e) }));
    if (!saved) return;
    setDevices(saved.devices);
    setMessage({ ok: true, text: t('lane.admin.saved') });
  }

  /** One test at a time; a failing device is a result (ok: false), a refused call is shown as the error. */
  const runTest = <R extends LaneTestResult>(label: string, fn: () => Promise<R>, extra: (r: R) => string = () => '') =>
    void testing.run(fn, (e) => setTest(`${label}: ${errorText(t, e)}`)).then((r) => r && showResult(label, r, extra(r)));

  const showResult = (label: string, r: LaneTestResult, extra = '') =>
    setTest(`${label}: ${r.ok ? t('lane.admin.testOk', { ms: r.ms }) : `${t('lane.admin.testFailed')} ${r.error ?? ''}`}${extra}`);

  const contact = b.driver === 'serial-relay' || b.driver === 'modbus-tcp' || b.driver === 'modbus-rtu';
  return (
    <div className="screen" data-testid="lane-devices-screen">
      <section className="card">
        <h2 className="card-title">{t('lane.admin.title')}</h2>
        <label className="field">
          <span>{t('lane.details.role')}</span>
          <select value={config.role} onChange={(e) => setConfig({ ...config, role: e.target.value as LaneRole })} data-testid="lane-role">
            {(['entry', 'exit', 'both'] as const).map((r) => <option key={r} value={r}>{t(`lane.role.${r}`)}</option>)}
          </select>
        </label>
        <h3>{t('lane.device.barrier')}</h3>
        <label className="field">
          <span>{t('lane.admin.driver')}</span>
          <select value={String(b.driver)} onChange={(e) => setB({ driver: e.target.value })} data-testid="barrier-driver">
            {BARRIER_DRIVERS.map((d) => <option key={d} value={d}>{t(`lane.driver.${d}`)}</option>)}
          </select>
        </label>
        {(b.driver === 'modbus-tcp' || b.driver === 'isapi') && (
          <>
            <Field label={t('lane.admin.host')} value={b.host} onChange={(v) => setB({ host: v })} testId="barrier-host" />
            <Field label={t('lane.admin.port')} type="number" value={b.port} onChange={(v) => setB({ port: num(v) })} testId="barrier-port" />
          </>
        )}
        {(b.driver === 'serial-relay' || b.driver === 'modbus-rtu') && (
          <Field label={t('lane.admin.serialPath')} value={b.path} onChange={(v) => setB({ path: v })} testId="barrier-path" />
        )}
        {b.driver === 'serial-relay' && <Field label={t('lane.admin.relay')} type="number" value={b.relay} onChange={(v) => setB({ relay: num(v) })} />}
        {(b.driver === 'modbus-tcp' || b.driver === 'modbus-rtu') && (
          <Field label={t('lane.admin.coil')} type="number" value={b.coil} onChange={(v) => setB({ coil: num(v) })} testId="barrier-coil" />
        )}
        {b.driver === 'isapi' && (
          <>
            <Field label={t('lane.admin.username')} value={b.username} onChange={(v) => setB({ username: v })} />
            <Field label={b.passwordSet ? t('lane.admin.passwordKept') : t('lane.admin.password')} type="password" value={b.password} onChange={(v) => setB({ password: v })} />
          </>
        )}
        {contact && (
          <>
            <label className="field">
              <span>{t('lane.admin.mode')}</span>
              <select value={String(b.mode ?? 'pulse')} onChange={(e) => setB({ mode: e.target.value })}>
                <option value="pulse">{t('lane.admin.pulse')}</option>
                <option value="hold">{t('lane.admin.hold')}</option>
              </select>
            </label>
            <Field label={t('lane.admin.pulseMs')} type="number" value={b.pulseMs} onChange={(v) => setB({ pulseMs: num(v) })} testId="barrier-pulse" />
          </>
        )}
        <h3>{t('lane.device.loops')}</h3>
        <label className="field">
          <span>{t('lane.admin.driver')}</span>
          <select value={String(l.driver)} onChange={(e) => setL({ driver: e.target.value })} data-testid="loops-driver">
            {LOOP_DRIVERS.map((d) => <option key={d} value={d}>{t(`lane.driver.${d}`)}</option>)}
          </select>
        </label>
        {l.driver === 'modbus-tcp' && (
          <>
            <Field label={t('lane.admin.host')} value={l.host} onChange={(v) => setL({ host: v })} testId="loops-host" />
            <Field label={t('lane.admin.port')} type="number" value={l.port} onChange={(v) => setL({ port: num(v) })} testId="loops-port" />
          </>
        )}
        {l.driver === 'modbus-rtu' && <Field label={t('lane.admin.serialPath')} value={l.path} onChange={(v) => setL({ path: v })} />}
        {l.driver !== 'none' && (
          <>
            <Field label={t('lane.admin.armingInput')} type="number" value={loopInput('arming')} onChange={(v) => setLoopInput('arming', v)} />
            <Field label={t('lane.admin.safetyInput')} type="number" value={loopInput('safety')} onChange={(v) => setLoopInput('safety', v)} />
            <Field label={t('lane.admin.barrierUpInput')} type="number" value={loopInput('barrierUp')} onChange={(v) => setLoopInput('barrierUp', v)} />
          </>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn btn-primary" disabled={saving.busy} aria-busy={saving.busy} onClick={() => void save()} data-testid="lane-save" data-main-action>{t('lane.admin.save')}</button>
          <button type="button" className="btn" disabled={testing.busy} onClick={() => runTest(t('lane.admin.testBarrier'), () => call('lane.testBarrier', {}))} data-testid="lane-test-barrier">
            {t('lane.admin.testBarrier')}
          </button>
          <button
            type="button"
            className="btn"
            data-testid="lane-read-inputs"
            disabled={testing.busy}
            onClick={() =>
              runTest(t('lane.admin.readInputs'), () => call('lane.readInputs', {}), (r) =>
                r.loops ? ` · ${t('lane.details.arming')}: ${r.loops.arming ? t('lane.occupied') : t('lane.free')} · ${t('lane.details.safety')}: ${r.loops.safety ? t('lane.occupied') : t('lane.free')}` : '')}
          >
            {t('lane.admin.readInputs')}
          </button>
        </div>
        {message && <p className={message.ok ? 'banner-ok' : 'banner-error'} role={message.ok ? 'status' : 'alert'} data-testid="lane-admin-message">{message.text}</p>}
        {test && <p className="muted" role="status" data-testid="lane-test-result">{test}</p>}
      </section>
      <LaneRulesCard config={config} onSaved={setConfig} />
    </div>
  );
}
