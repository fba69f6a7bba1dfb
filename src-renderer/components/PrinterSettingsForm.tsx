import { useEffect, useState } from 'react';
import type { PrinterSettings } from '../../src-shared/contracts/print.js';
import { call } from '../api/client.js';
import { errorText, useT } from '../i18n/index.js';
import { CheckField, SelectField, TextField } from './Field.js';

/** The lane printer: driver and address, paper width, print language; save and print a test page (admin). */
export function PrinterSettingsForm() {
  const t = useT();
  const [s, setS] = useState<PrinterSettings | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    let live = true;
    // Not allowed or not there (an older core): the form stays hidden, the browser print remains.
    call('print.settings', {}).then((v) => live && setS(v), () => undefined);
    return () => {
      live = false;
    };
  }, []);

  if (!s) return null;

  const save = async (): Promise<boolean> => {
    setMsg(null);
    try {
      const port = Number(s.port);
      setS(await call('print.configure', {
        driver: s.driver, host: s.host.trim(), port: Number.isInteger(port) && port > 0 ? port : 9100, path: s.path.trim(), readStatus: s.readStatus,
        paperWidth: s.paperWidth, language: s.language,
      }));
      setMsg({ ok: true, text: t('printer.saved') });
      return true;
    } catch (e) {
      setMsg({ ok: false, text: errorText(t, e) });
      return false;
    }
  };
  const test = async () => {
    if (!(await save())) return;
    try {
      await call('print.test', {});
      setMsg({ ok: true, text: t('print.sent') });
    } catch (e) {
      setMsg({ ok: false, text: errorText(t, e) });
    }
  };

  return (
    <fieldset className="printer-settings" data-testid="printer-settings">
      <legend>{t('printer.title')}</legend>
      <SelectField
        label={t('printer.driver')}
        value={s.driver}
        onValue={(v) => setS({ ...s, driver: v as PrinterSettings['driver'] })}
        options={[
          { value: 'none', label: t('printer.driver.none') },
          { value: 'tcp', label: t('printer.driver.tcp') },
          { value: 'serial', label: t('printer.driver.serial') },
          { value: 'device', label: t('printer.driver.device') },
        ]}
      />
      {s.driver === 'tcp' && (
        <>
          <TextField label={t('printer.host')} value={s.host} onValue={(host) => setS({ ...s, host })} autoComplete="off" />
          <TextField label={t('printer.port')} value={String(s.port)} onValue={(p) => setS({ ...s, port: Number(p.replace(/\D/g, '')) || 0 })} inputMode="numeric" />
        </>
      )}
      {s.driver === 'serial' && <TextField label={t('printer.path')} value={s.path} onValue={(path) => setS({ ...s, path })} autoComplete="off" />}
      {s.driver === 'device' && (
        <>
          <TextField label={t('printer.devicePath')} value={s.path} onValue={(path) => setS({ ...s, path })} autoComplete="off" />
          <CheckField label={t('printer.readStatus')} checked={s.readStatus} onChecked={(readStatus) => setS({ ...s, readStatus })} />
        </>
      )}
      <SelectField
        label={t('printer.width')}
        value={String(s.paperWidth)}
        onValue={(v) => setS({ ...s, paperWidth: v === '58' ? 58 : 80 })}
        options={[{ value: '80', label: '80 mm' }, { value: '58', label: '58 mm' }]}
      />
      <SelectField
        label={t('printer.language')}
        value={s.language}
        onValue={(v) => setS({ ...s, language: v === 'hi' ? 'hi' : 'en' })}
        options={[{ value: 'en', label: t('printer.language.en') }, { value: 'hi', label: t('printer.language.hi') }]}
      />
      <div className="setup-actions">
        <button type="button" className="btn btn-secondary" onClick={() => void save()}>{t('printer.save')}</button>
        {s.driver !== 'none' && <button type="button" className="btn btn-secondary" onClick={() => void test()}>{t('printer.test')}</button>}
      </div>
      {msg && <p className={`notice ${msg.ok ? 'notice-ok' : 'notice-error'}`} role="status">{msg.text}</p>}
    </fieldset>
  );
}
