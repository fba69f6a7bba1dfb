/**
 * `npm run bench`: runs every tests/bench/*-bench.ts that exists, one after the other, each as its
 * own child process via tsx (so one benchmark's heap, JIT state and open files cannot colour the
 * next), passing its table straight through. Extra arguments are passed to every benchmark;
 * `--only <name>` (e.g. `--only core`) runs just the matching files.
 * Exit code: non-zero if any benchmark process failed (a missed target is a table entry, not a failure).
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');

const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
const passThrough = onlyAt >= 0 ? [...args.slice(0, onlyAt), ...args.slice(onlyAt + 2)] : args;

const files = readdirSync(here)
  .filter((f) => f.endsWith('-bench.ts'))
  .filter((f) => !only || f.includes(only))
  .sort();

if (files.length === 0) {
  console.error(`no tests/bench/*-bench.ts file${only ? ` matching "${only}"` : ''}`);
  process.exit(1);
}

function runOne(file: string): Promise<number> {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, file), ...passThrough], {
      cwd: root,
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => res(code ?? (signal ? 128 : 1)));
    child.on('error', () => res(1));
  });
}

const failed: string[] = [];
for (const file of files) {
  const name = relative(root, join(here, file));
  console.log(`\n## ${name}\n`);
  const started = Date.now();
  const code = await runOne(file);
  console.log(`\n(${name}: exit ${code}, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (code !== 0) failed.push(name);
}
if (failed.length) {
  console.error(`\nbenchmarks that failed to run: ${failed.join(', ')}`);
  process.exit(1);
}
