/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). Optional fake camera:
 * Chromium's fake capture device plays a .y4m file, and camera permission is auto-granted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import axe from 'axe-core';
import { ROOT } from './serve.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Chromium's fake camera playing `y4m`, with the camera permission granted. */
export function fakeCameraArgs(y4m: string): string[] {
  return ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m}`];
}

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchChromium(opts: { fakeVideo?: string; args?: string[] } = {}): Promise<Browser> {
  const args = [...BASE_ARGS, ...(opts.args ?? []), ...(opts.fakeVideo ? fakeCameraArgs(opts.fakeVideo) : [])];
  return chromium.launch({ executablePath: CHROMIUM_PATH, args, headless: true });
}

/** Turns a PNG (e.g. a ticket's QR) into a looping y4m the fake camera can play. */
export function pngToY4m(png: string, y4m: string, seconds = 5): void {
  execFileSync('ffmpeg', [
    '-y', '-loglevel', 'error', '-loop', '1', '-i', png,
    '-vf', 'scale=300:300,pad=640:480:(ow-iw)/2:(oh-ih)/2:white,format=yuv420p',
    '-t', String(seconds), '-r', '10', y4m,
  ]);
}

export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core in the page; returns serious and critical violations only. */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  // Colour contrast is computed from what is painted: a banner still fading in (pop animation,
  // opacity 0.6 -> 1) would be measured half-transparent on a slow machine. Let animations end.
  await page.evaluate(() =>
    Promise.all(document.getAnimations().filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime))).map((a) => a.finished.catch(() => undefined))),
  );
  // evaluate() runs through the DevTools protocol, so the page's strict CSP does not block it.
  await page.evaluate(axe.source);
  const result = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } };
    return w.axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
}
