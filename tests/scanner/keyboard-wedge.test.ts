// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { attachKeyboardWedge } from '../../src-renderer/scanner/keyboard-wedge';

let t = 0;
const timeOf = () => t;

function key(target: EventTarget, k: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const ev = new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(ev);
  return ev;
}

/** Types `text` then Enter with `gap` ms between every key. Returns the Enter event. */
function type(target: EventTarget, text: string, gap: number | number[], enter = true): KeyboardEvent | null {
  const gaps = Array.isArray(gap) ? gap : Array(text.length + 1).fill(gap);
  [...text].forEach((c, i) => {
    t += i === 0 ? 1000 : gaps[i - 1]!;
    key(target, c);
  });
  if (!enter) return null;
  t += gaps[text.length - 1] ?? gaps[0]!;
  return key(target, 'Enter');
}

const detach: Array<() => void> = [];
afterEach(() => {
  detach.splice(0).forEach((d) => d());
  document.body.innerHTML = '';
});

function attach(target: Window | HTMLElement = window, opts = {}) {
  const onCode = vi.fn();
  detach.push(attachKeyboardWedge(target, onCode, { timeOf, ...opts }));
  return onCode;
}

describe('attachKeyboardWedge', () => {
  it('accepts a fast burst ending in Enter without a focused field', () => {
    const onCode = attach();
    const enter = type(document.body, 'QR-0A1B2C3D4E5F', 8);
    expect(onCode).toHaveBeenCalledExactlyOnceWith('QR-0A1B2C3D4E5F');
    expect(enter!.defaultPrevented).toBe(true);
  });

  it('ignores human typing (gaps >= 35 ms) even when it ends in Enter', () => {
    const onCode = attach();
    const enter = type(document.body, 'KA01AB1234', [90, 60, 120, 80, 45, 70, 100, 65, 85, 150]);
    expect(onCode).not.toHaveBeenCalled();
    expect(enter!.defaultPrevented).toBe(false);
  });

  it('rejects a burst with a single slow gap in the middle', () => {
    const onCode = attach();
    // "ABC" typed, 40 ms pause, "DEF" fast: only the last 3 keys form a run -> too short
    type(document.body, 'ABCDEF', [10, 10, 40, 10, 10, 10]);
    expect(onCode).not.toHaveBeenCalled();
  });

  it('rejects codes shorter than minLength and honours a custom minLength', () => {
    const onCode = attach();
    type(document.body, '12345', 5);
    expect(onCode).not.toHaveBeenCalled();
    type(document.body, '123456', 5);
    expect(onCode).toHaveBeenCalledExactlyOnceWith('123456');

    const short = attach(window, { minLength: 3 });
    type(document.body, '123', 5);
    expect(short).toHaveBeenCalledWith('123');
  });

  it('exact boundary: 34 ms gaps pass, 35 ms gaps fail', () => {
    const onCode = attach();
    type(document.body, 'ABCDEFG', 34);
    expect(onCode).toHaveBeenCalledWith('ABCDEFG');
    onCode.mockClear();
    type(document.body, 'ABCDEFG', 35);
    expect(onCode).not.toHaveBeenCalled();
  });

  it('rejects a burst whose Enter comes late', () => {
    const onCode = attach();
    type(document.body, 'ABCDEFGH', [5, 5, 5, 5, 5, 5, 5, 5], false);
    t += 200;
    key(document.body, 'Enter');
    expect(onCode).not.toHaveBeenCalled();
  });

  it('recognises a scan that follows human typing', () => {
    const onCode = attach();
    type(document.body, 'hello', 120, false);
    t += 300;
    type(document.body, 'TICKET42', 6);
    expect(onCode).toHaveBeenCalledExactlyOnceWith('TICKET42');
  });

  it('keeps Shift (upper case from scanners) out of the code without breaking the burst', () => {
    const onCode = attach();
    t += 1000;
    for (const c of 'AbC123') {
      t += 4;
      key(document.body, 'Shift');
      t += 4;
      key(document.body, c);
    }
    t += 4;
    key(document.body, 'Enter');
    expect(onCode).toHaveBeenCalledExactlyOnceWith('AbC123');
  });

  it('leaves keys typed into an editable field alone by default', () => {
    const input = document.createElement('input');
    document.body.append(input);
    const onCode = attach();
    const enter = type(input, 'QR-0A1B2C3D4E5F', 5);
    expect(onCode).not.toHaveBeenCalled();
    expect(enter!.defaultPrevented).toBe(false);

    const both = attach(window, { captureInEditable: true });
    type(input, 'QR-0A1B2C3D4E5F', 5);
    expect(both).toHaveBeenCalledWith('QR-0A1B2C3D4E5F');
  });

  it('still counts keys in non-text inputs (buttons, checkboxes)', () => {
    const btn = document.createElement('input');
    btn.type = 'button';
    document.body.append(btn);
    const onCode = attach();
    type(btn, 'ABCDEF', 5);
    expect(onCode).toHaveBeenCalledWith('ABCDEF');
  });

  it('resets on Ctrl/Alt/Meta shortcuts', () => {
    const onCode = attach();
    t += 1000;
    for (const c of 'ABC') {
      t += 5;
      key(document.body, c);
    }
    t += 5;
    key(document.body, 'v', { ctrlKey: true });
    for (const c of 'DEF') {
      t += 5;
      key(document.body, c);
    }
    t += 5;
    key(document.body, 'Enter');
    expect(onCode).not.toHaveBeenCalled();
  });

  it('supports Tab as terminator and element targets', () => {
    const div = document.createElement('div');
    document.body.append(div);
    const onCode = attach(div, { terminators: ['Tab'] });
    type(div, 'ABCDEFG', 5);
    expect(onCode).not.toHaveBeenCalled();
    type(div, 'ABCDEFG', 5, false);
    t += 5;
    key(div, 'Tab');
    expect(onCode).toHaveBeenCalledWith('ABCDEFG');
    // events outside the element are not seen
    onCode.mockClear();
    type(document.body, 'ABCDEFG', 5, false);
    t += 5;
    key(document.body, 'Tab');
    expect(onCode).not.toHaveBeenCalled();
  });

  it('stops listening after detach', () => {
    const onCode = vi.fn();
    const off = attachKeyboardWedge(window, onCode, { timeOf });
    off();
    type(document.body, 'ABCDEFGH', 5);
    expect(onCode).not.toHaveBeenCalled();
  });

  it('uses event.timeStamp by default', () => {
    vi.useFakeTimers();
    try {
      const onCode = vi.fn();
      detach.push(attachKeyboardWedge(window, onCode));
      vi.advanceTimersByTime(1000);
      for (const c of 'ABCDEFG') {
        key(document.body, c);
        vi.advanceTimersByTime(5);
      }
      key(document.body, 'Enter');
      const stamp = new KeyboardEvent('keydown').timeStamp;
      // jsdom derives timeStamp from the (faked) clock; if it does not, skip the assertion
      if (Number.isFinite(stamp) && stamp > 0) expect(onCode).toHaveBeenCalledWith('ABCDEFG');
    } finally {
      vi.useRealTimers();
    }
  });
});
