/**
 * Feedback sounds made with WebAudio (no files to ship or download): a bright rising chirp for
 * success, a low double buzz for failure. Silent where audio is unavailable (tests, locked autoplay).
 */
type Tone = { freq: number; start: number; dur: number; type: OscillatorType };

let ctx: AudioContext | null = null;
let muted = false;

export function setMuted(value: boolean): void {
  muted = value;
}

function context(): AudioContext | null {
  if (muted) return null;
  const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  if (!Ctor) return null;
  try {
    ctx ??= new Ctor();
    if (ctx.state === 'suspended') void ctx.resume();
    return ctx;
  } catch {
    return null;
  }
}

function play(tones: Tone[], volume: number): void {
  const ac = context();
  if (!ac) return;
  const t0 = ac.currentTime + 0.01;
  for (const tone of tones) {
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    osc.type = tone.type;
    osc.frequency.value = tone.freq;
    gain.gain.setValueAtTime(0.0001, t0 + tone.start);
    gain.gain.exponentialRampToValueAtTime(volume, t0 + tone.start + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + tone.start + tone.dur);
    osc.connect(gain).connect(ac.destination);
    osc.start(t0 + tone.start);
    osc.stop(t0 + tone.start + tone.dur + 0.02);
  }
}

export const sounds = {
  success(): void {
    play([
      { freq: 880, start: 0, dur: 0.12, type: 'sine' },
      { freq: 1320, start: 0.11, dur: 0.18, type: 'sine' },
    ], 0.35);
  },
  failure(): void {
    play([
      { freq: 220, start: 0, dur: 0.22, type: 'square' },
      { freq: 180, start: 0.28, dur: 0.3, type: 'square' },
    ], 0.18);
  },
  tap(): void {
    play([{ freq: 1200, start: 0, dur: 0.04, type: 'sine' }], 0.12);
  },
};
