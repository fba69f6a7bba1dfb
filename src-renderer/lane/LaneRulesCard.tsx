/**
 * Admin > Lane devices, "Lane rules": the manual-opening reasons a supervisor picks from and the
 * lane's timings. Other is always offered (it needs free text) and cannot be removed here. The
 * core checks every limit again (laneConfigPatchSchema) and its message is shown as it says it.
 */
import { useState, type FormEvent } from 'react';
import { LANE_TIMING_KEYS, LANE_TIMING_LIMITS, MANUAL_REASONS_MAX, OTHER_REASON, REASON_CODE_MAX, type LaneConfig, type LaneTimingKey } from '../../src-shared/contracts/lane.js';
import { call } from '../api/client.js';
import { en } from '../i18n/en.js';
import { errorText, serverDetail, useT } from '../i18n/index.js';
import { useApiAction } from '../lib/use-api-action.js';

const CODE_RE = /^[A-Z0-9_]{2,40}$/;

/** What an admin types ("vip guest") as a reason code (VIP_GUEST). */
export function toReasonCode(typed: string): string {
  return typed.trim().toUpperCase().replace(/[\s-]+/g, '_');
}

export function LaneRulesCard({ config, onSaved }: { config: LaneConfig; onSaved(config: LaneConfig): void }) {
  const t = useT();
  const [reasons, setReasons] = useState<string[]>(config.manualReasons.filter((r) => r !== OTHER_REASON));
  const [timings, setTimings] = useState<Record<LaneTimingKey, string>>(
    () => Object.fromEntries(LANE_TIMING_KEYS.map((k) => [k, String(config[k])])) as Record<LaneTimingKey, string>,
  );
  const [adding, setAdding] = useState('');
  const [addError, setAddError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const saving = useApiAction();

  const label = (code: string) => {
    const key = `lane.reason.${code}`;
    return key in en ? t(key as keyof typeof en) : code.replace(/_/g, ' ');
  };

  function add(e: FormEvent) {
    e.preventDefault();
    const code = toReasonCode(adding);
    if (!CODE_RE.test(code)) return setAddError(t('lane.rules.codeInvalid', { max: REASON_CODE_MAX }));
    if (code === OTHER_REASON || reasons.includes(code)) return setAddError(t('lane.rules.codeTwice'));
    if (reasons.length + 1 >= MANUAL_REASONS_MAX) return setAddError(t('lane.rules.tooMany', { max: MANUAL_REASONS_MAX }));
    setAddError(null);
    setAdding('');
    setSaved(false);
    setReasons([...reasons, code]);
  }

  async function save() {
    setSaved(false);
    const patch = {
      manualReasons: [...reasons, OTHER_REASON],
      ...Object.fromEntries(LANE_TIMING_KEYS.map((k) => [k, Number(timings[k])])),
    };
    const result = await saving.run(() => call('lane.updateConfig', patch));
    if (!result) return;
    setReasons(result.config.manualReasons.filter((r) => r !== OTHER_REASON));
    setSaved(true);
    onSaved(result.config);
  }

  const detail = serverDetail(saving.error);
  return (
    <section className="card" data-testid="lane-rules">
      <h2 className="card-title">{t('lane.rules.title')}</h2>
      <h3>{t('lane.rules.reasons')}</h3>
      <ul className="lane-reasons" data-testid="lane-reasons">
        {reasons.map((r) => (
          <li key={r} data-code={r}>
            <span>{label(r)}</span>
            <button
              type="button"
              className="btn btn-sm"
              aria-label={t('lane.rules.remove', { reason: label(r) })}
              onClick={() => {
                setSaved(false);
                setReasons(reasons.filter((x) => x !== r));
              }}
              data-testid={`lane-reason-remove-${r}`}
            >
              {t('lane.rules.removeShort')}
            </button>
          </li>
        ))}
        <li data-code={OTHER_REASON}>
          <span>{label(OTHER_REASON)}</span>
          <span className="muted">{t('lane.rules.otherKept')}</span>
        </li>
      </ul>
      <form className="inline-form" onSubmit={add}>
        <label className="field">
          <span>{t('lane.rules.newReason')}</span>
          <input value={adding} maxLength={REASON_CODE_MAX} onChange={(e) => setAdding(e.target.value)} data-testid="lane-reason-new" />
        </label>
        <button type="submit" className="btn" data-testid="lane-reason-add">{t('lane.rules.add')}</button>
      </form>
      {addError && <p className="banner-error" role="alert" data-testid="lane-reason-error">{addError}</p>}
      <h3>{t('lane.rules.timings')}</h3>
      {LANE_TIMING_KEYS.map((k) => (
        <label className="field" key={k}>
          <span>{t(`lane.rules.${k}`)} ({LANE_TIMING_LIMITS[k].min}–{LANE_TIMING_LIMITS[k].max})</span>
          <input
            type="number"
            inputMode="numeric"
            min={LANE_TIMING_LIMITS[k].min}
            max={LANE_TIMING_LIMITS[k].max}
            step={1}
            value={timings[k]}
            onChange={(e) => {
              setSaved(false);
              setTimings({ ...timings, [k]: e.target.value });
            }}
            data-testid={`lane-timing-${k}`}
          />
        </label>
      ))}
      <div className="dialog-actions">
        <button type="button" className="btn btn-primary" disabled={saving.busy} aria-busy={saving.busy} onClick={() => void save()} data-testid="lane-rules-save">
          {saving.busy ? t('lane.rules.saving') : t('lane.rules.save')}
        </button>
      </div>
      {saving.error != null && (
        <p className="banner-error" role="alert" data-testid="lane-rules-error">
          {errorText(t, saving.error)}
          {detail && <span className="muted"> ({detail})</span>}
        </p>
      )}
      {saved && <p className="banner-ok" role="status" data-testid="lane-rules-saved">{t('lane.rules.saved')}</p>}
    </section>
  );
}
