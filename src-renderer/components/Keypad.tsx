import { useT } from '../i18n/index.js';
import { sounds } from '../lib/sound.js';

interface KeypadProps {
  /** Accessible name of the keypad group. */
  label: string;
  onKey(key: string): void;
  onBackspace(): void;
  onClear(): void;
  /** Extra key shown bottom-left (e.g. "00" for cash); omitted = Clear there. */
  extraKey?: string;
  disabled?: boolean;
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Large touch keypad: 1-9, then [extra or Clear] 0 [⌫]. */
export function Keypad({ label, onKey, onBackspace, onClear, extraKey, disabled }: KeypadProps) {
  const t = useT();
  const press = (fn: () => void) => () => {
    sounds.tap();
    fn();
  };
  return (
    <div className="keypad" role="group" aria-label={label}>
      {DIGITS.map((d) => (
        <button key={d} type="button" className="key" onClick={press(() => onKey(d))} disabled={disabled}>
          {d}
        </button>
      ))}
      {extraKey ? (
        <button type="button" className="key" onClick={press(() => onKey(extraKey))} disabled={disabled}>
          {extraKey}
        </button>
      ) : (
        <button type="button" className="key key-muted" onClick={press(onClear)} disabled={disabled}>
          {t('common.clear')}
        </button>
      )}
      <button type="button" className="key" onClick={press(() => onKey('0'))} disabled={disabled}>
        0
      </button>
      <button type="button" className="key key-muted" onClick={press(onBackspace)} disabled={disabled} aria-label={t('common.delete')}>
        ⌫
      </button>
    </div>
  );
}
