#!/usr/bin/env node
// `npm test`: builds the UI if stale, runs every vitest suite once, and ends with the plain
// summary line CI reads: "N passed, N failed[, N skipped]".
// Two phases: everything else in parallel, then the real-browser suites (Chromium e2e, camera,
// QR fixtures) one file at a time, so their timing is not squeezed by the CPU-heavy suites.
// Extra arguments (file filters, -t ...) run a single phase with them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const extra = process.argv.slice(2);
const BROWSER_SUITES = ['tests/e2e', 'tests/scanner', 'tests/print/e2e'];
mkdirSync('test-output', { recursive: true });

if (existsSync('scripts/ensure-ui.mjs')) {
  const ui = spawnSync(process.execPath, ['scripts/ensure-ui.mjs'], { stdio: 'inherit' });
  if (ui.status !== 0) {
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}

function vitest(name, args) {
  const report = `test-output/vitest-${name}.json`;
  rmSync(report, { force: true });
  const run = spawnSync(
    process.execPath,
    ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...args],
    { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR } },
  );
  const counts = { passed: 0, failed: 0, skipped: 0 };
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    counts.passed = r.numPassedTests ?? 0;
    // A file that fails to load has no assertion results: count it as one failure.
    counts.failed = (r.numFailedTests ?? 0)
      + (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length;
    counts.skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  }
  if (run.status !== 0 && counts.failed === 0) counts.failed = 1;
  return { ...counts, ok: run.status === 0 };
}

const phases = extra.length
  ? [vitest('run', extra)]
  : [
    // Two workers even on two cores: most suites wait on child processes (servers, PostgreSQL,
    // socat), and vitest's default (cores - 1) would run them one file at a time.
    vitest('main', [`--maxWorkers=${process.env.TEST_MAX_WORKERS ?? 2}`, ...BROWSER_SUITES.flatMap((dir) => ['--exclude', `${dir}/**`])]),
    vitest('browser', [...BROWSER_SUITES, '--no-file-parallelism']),
  ];
const total = phases.reduce((a, p) => ({ passed: a.passed + p.passed, failed: a.failed + p.failed, skipped: a.skipped + p.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`);
process.exit(phases.every((p) => p.ok) ? 0 : 1);
