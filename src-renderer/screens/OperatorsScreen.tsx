import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Operator } from '../../src-shared/contracts/entities.js';
import { ROLES, type Role } from '../../src-shared/contracts/roles.js';
import { call } from '../api/client.js';
import { SelectField, TextField } from '../components/Field.js';
import { errorText, useT } from '../i18n/index.js';
import { formatDateTime } from '../lib/format.js';
import { sounds } from '../lib/sound.js';
import { useLanguage } from '../stores/language.js';
import { useSession } from '../stores/session.js';

/** The lock column: a timed lock shows its end, a lock only a supervisor lifts says so. */
function LockCell({ o }: { o: Operator }) {
  const t = useT();
  const lang = useLanguage((s) => s.lang);
  if (!o.locked) return <>{o.failedAttempts ? t('ops.failedCount', { n: o.failedAttempts }) : t('common.no')}</>;
  return (
    <strong className="lock-flag">
      {o.needsUnlock || !o.lockedUntil ? t('ops.lockedSupervisor') : t('ops.lockedUntil', { time: formatDateTime(o.lockedUntil, lang) })}
    </strong>
  );
}

export function OperatorsScreen() {
  const t = useT();
  const [ops, setOps] = useState<Operator[] | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const [form, setForm] = useState({ username: '', name: '', role: 'ATTENDANT' as Role, pin: '' });
  const [pinFor, setPinFor] = useState<Operator | null>(null);
  const [newPin, setNewPin] = useState('');
  const [unlockFor, setUnlockFor] = useState<Operator | null>(null);
  const [reason, setReason] = useState('');
  // Supervisors see the list and unlock; only an admin edits accounts (the core checks both).
  const isAdmin = useSession((s) => s.operator?.role === 'ADMIN');
  const myId = useSession((s) => s.operator?.id);
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }));

  const load = useCallback(async () => {
    try {
      setOps(await call('operators.list', {}));
    } catch (e) {
      setMsg({ ok: false, text: errorText(t, e) });
      setOps([]);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const run = async (fn: () => Promise<unknown>, okText: string) => {
    setMsg(null);
    try {
      await fn();
      sounds.success();
      setMsg({ ok: true, text: okText });
      await load();
      return true;
    } catch (e) {
      sounds.failure();
      setMsg({ ok: false, text: errorText(t, e) });
      return false;
    }
  };

  const create = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await run(() => call('operators.create', { ...form, username: form.username.trim(), name: form.name.trim() }), t('ops.created', { name: form.name }));
    if (ok) setForm({ username: '', name: '', role: 'ATTENDANT', pin: '' });
  };

  return (
    <div className="screen screen-operators">
      <h1 className="screen-title">{t('ops.title')}</h1>
      {msg && <p className={`notice ${msg.ok ? 'notice-ok' : 'notice-error'}`} role="status">{msg.text}</p>}
      <div className="ops-grid">
        <div className="table-wrap">
          <table className="table" data-testid="operators-table">
            <thead>
              <tr data-main-action={isAdmin ? undefined : true}>
                <th scope="col">{t('ops.name')}</th>
                <th scope="col">{t('ops.username')}</th>
                <th scope="col">{t('ops.role')}</th>
                <th scope="col">{t('ops.active')}</th>
                <th scope="col">{t('ops.lock')}</th>
                <th scope="col">{t('ops.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {ops?.map((o) => (
                <tr key={o.id} className={o.isActive ? '' : 'row-inactive'}>
                  <td>{o.name}</td>
                  <td>{o.username}</td>
                  <td>
                    {isAdmin ? (
                      <>
                        <label className="visually-hidden" htmlFor={`role-${o.id}`}>{t('ops.roleOf', { name: o.name })}</label>
                        <select
                          id={`role-${o.id}`}
                          value={o.role}
                          onChange={(e) => void run(() => call('operators.update', { operatorId: o.id, role: e.target.value as Role }), t('common.saved'))}
                        >
                          {roleOptions.map((r) => (
                            <option key={r.value} value={r.value}>{r.label}</option>
                          ))}
                        </select>
                      </>
                    ) : (
                      t(`role.${o.role}`)
                    )}
                  </td>
                  <td>{o.isActive ? t('common.yes') : t('common.no')}</td>
                  <td data-testid={`lock-${o.username}`}><LockCell o={o} /></td>
                  <td className="row-actions">
                    {o.locked && o.id !== myId && (isAdmin || o.role !== 'ADMIN') && (
                      <button type="button" className="btn btn-primary btn-sm" onClick={() => { setUnlockFor(o); setReason(''); }}>
                        {t('ops.unlock')}
                      </button>
                    )}
                    {isAdmin && (
                      <>
                        <button type="button" className="btn btn-secondary btn-sm" onClick={() => { setPinFor(o); setNewPin(''); }}>
                          {t('ops.setPin')}
                        </button>
                        <button
                          type="button"
                          className="btn btn-secondary btn-sm"
                          onClick={() => void run(() => call('operators.update', { operatorId: o.id, isActive: !o.isActive }), t('common.saved'))}
                        >
                          {o.isActive ? t('ops.deactivate') : t('ops.activate')}
                        </button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {unlockFor && (
            <form
              className="inline-form card"
              onSubmit={(e) => {
                e.preventDefault();
                void run(() => call('operators.unlock', { operatorId: unlockFor.id, reason: reason.trim() }), t('ops.unlocked', { name: unlockFor.name }))
                  .then((ok) => ok && setUnlockFor(null));
              }}
            >
              <TextField label={t('ops.unlockReason', { name: unlockFor.name })} value={reason} onValue={setReason} autoComplete="off" />
              <button type="submit" className="btn btn-primary" disabled={reason.trim().length < 3}>{t('ops.unlock')}</button>
              <button type="button" className="btn btn-secondary" onClick={() => setUnlockFor(null)}>{t('common.cancel')}</button>
            </form>
          )}
          {pinFor && (
            <form
              className="inline-form card"
              onSubmit={(e) => {
                e.preventDefault();
                void run(() => call('operators.update', { operatorId: pinFor.id, pin: newPin }), t('common.saved')).then((ok) => ok && setPinFor(null));
              }}
            >
              <TextField label={t('ops.newPin', { name: pinFor.name })} type="password" inputMode="numeric" autoComplete="new-password" value={newPin} onValue={(v) => setNewPin(v.replace(/\D/g, '').slice(0, 8))} />
              <button type="submit" className="btn btn-primary" disabled={newPin.length < 4}>{t('ops.setPin')}</button>
              <button type="button" className="btn btn-secondary" onClick={() => setPinFor(null)}>{t('common.cancel')}</button>
            </form>
          )}
        </div>
        {isAdmin && (
          <form className="card" onSubmit={(e) => void create(e)} aria-labelledby="op-new-title">
            <h2 id="op-new-title" className="card-title">{t('ops.create')}</h2>
            <TextField label={t('ops.username')} value={form.username} onValue={(username) => setForm({ ...form, username })} autoComplete="off" autoCapitalize="none" />
            <TextField label={t('ops.name')} value={form.name} onValue={(name) => setForm({ ...form, name })} autoComplete="off" />
            <SelectField label={t('ops.role')} value={form.role} onValue={(role) => setForm({ ...form, role: role as Role })} options={roleOptions} />
            <TextField label={t('ops.pin')} type="password" inputMode="numeric" autoComplete="new-password" value={form.pin} onValue={(pin) => setForm({ ...form, pin: pin.replace(/\D/g, '').slice(0, 8) })} />
            <button data-main-action type="submit" className="btn btn-primary btn-lg" disabled={!form.username || !form.name || form.pin.length < 4}>
              {t('ops.create')}
            </button>
          </form>
        )}
      </div>
    </div>
  );
}
