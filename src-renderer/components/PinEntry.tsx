import { useT } from '../i18n/index.js';
import { TextField } from './Field.js';
import { Keypad } from './Keypad.js';

export const MAX_PIN = 8;

/** PIN field + large PIN pad; physical keyboards type into the field as well. */
export function PinEntry({ label, value, onValue, autoFocus }: { label: string; value: string; onValue(v: string): void; autoFocus?: boolean }) {
  const t = useT();
  return (
    <>
      <TextField
        label={label}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        maxLength={MAX_PIN}
        value={value}
        onValue={(v) => onValue(v.replace(/\D/g, '').slice(0, MAX_PIN))}
        className="pin-field"
        autoFocus={autoFocus}
      />
      <Keypad
        label={t('login.pinPad')}
        onKey={(k) => onValue((value + k).slice(0, MAX_PIN))}
        onBackspace={() => onValue(value.slice(0, -1))}
        onClear={() => onValue('')}
      />
    </>
  );
}
