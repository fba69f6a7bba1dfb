// ESLint flat config: typescript-eslint's recommended rules (syntax only, no type information, so
// a lint of the whole tree stays well under a minute) and the dependency boundaries of DESIGN.md.
//
// The boundaries use ESLint's own `no-restricted-imports` with regex patterns on the import
// specifier. Every cross-folder import in this tree is a relative path that names the folder it
// enters (`../../src-main/...`), so matching the folder name is exact enough, and it needs no
// import resolver or extra plugin. Flat config replaces (does not merge) a rule's options when a
// later block matches the same file, so each area below states its complete list.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const folder = (...names) => `(^|/)(${names.join('|')})(/|$)`;
const NODE_BUILTINS = [`^node:`, `^(${builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.replace('/', '\\/')).join('|')})$`];
const ELECTRON = '^electron(-log|-updater)?(/|$)';
const REACT = '^react(-dom)?(/|$)';

/** One `no-restricted-imports` setting: each entry is [regex, message, allowTypeImports?]. */
const restrict = (...entries) => ['error', {
  patterns: entries.map(([regex, message, allowTypeImports = false]) => ({ regex, message, allowTypeImports })),
}];

const electronOnlyInShell = [ELECTRON, 'Electron is imported only in src-main/electron (the shell); the core runs without it.'];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**', 'dist/**', 'dist-renderer/**', 'dist-electron/**', 'release/**', 'test-output/**',
      '.dist-renderer-tmp-*/**', 'tests/lint/fixtures/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // TypeScript already checks names (and knows the DOM and Node types per tsconfig).
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src-renderer/**'],
    rules: {
      'no-restricted-imports': restrict(
        [folder('src-main', 'src-server', 'src-sim', 'migrations', 'tests', 'scripts'), 'The renderer talks to the core only through the API: import from src-shared/contracts.'],
        ['(^|/)src-shared/(?!contracts/)', 'The renderer imports only src-shared/contracts from src-shared (domain rules run in the core).'],
        ...NODE_BUILTINS.map((r) => [r, 'The renderer is a browser page: no Node modules.']),
        [ELECTRON, 'The renderer reaches Electron only through the preload bridge.'],
      ),
    },
  },
  {
    files: ['src-shared/**'],
    rules: {
      'no-restricted-imports': restrict(
        [folder('src-main', 'src-server', 'src-renderer', 'src-sim', 'migrations', 'tests', 'scripts'), 'src-shared imports nothing outside itself.'],
        ...NODE_BUILTINS.map((r) => [r, 'src-shared runs in the browser too: no Node modules.']),
        [ELECTRON, 'src-shared runs everywhere: no Electron.'],
        [REACT, 'src-shared holds no UI.'],
      ),
      'no-restricted-globals': ['error',
        ...['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'location', 'HTMLElement'].map((name) => ({ name, message: 'src-shared runs in Node too: no DOM.' })),
        ...['process', 'Buffer', '__dirname', '__filename', 'require', 'global', 'setImmediate'].map((name) => ({ name, message: 'src-shared runs in the browser too: no Node globals.' })),
      ],
    },
  },
  {
    files: ['src-main/**'],
    ignores: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': restrict(
        [folder('src-renderer', 'src-server', 'src-sim'), 'The kiosk core depends only on src-shared (the server and the UI are other programs).'],
        electronOnlyInShell,
        [REACT, 'The kiosk core holds no UI.'],
      ),
    },
  },
  {
    files: ['src-main/electron/**'],
    rules: {
      'no-restricted-imports': restrict(
        [folder('src-renderer', 'src-server', 'src-sim'), 'The Electron shell depends on the kiosk core and src-shared only.'],
      ),
    },
  },
  {
    files: ['src-server/**'],
    rules: {
      'no-restricted-imports': restrict(
        [folder('src-main', 'src-renderer', 'src-sim'), 'The server depends only on src-shared.'],
        electronOnlyInShell,
        [REACT, 'The server holds no UI.'],
      ),
    },
  },
  {
    // Device simulators are Node tooling that stand in for real hardware: they may use Node and
    // src-shared, and read the kiosk's port types, but never run kiosk, server or UI code.
    files: ['src-sim/**'],
    rules: {
      'no-restricted-imports': restrict(
        [folder('src-main', 'src-server'), 'A simulator is an independent peer: it may read kiosk or server types (import type) but not run their code.', true],
        [folder('src-renderer'), 'A simulator has no UI.'],
        electronOnlyInShell,
      ),
    },
  },
  {
    files: ['migrations/**', 'scripts/**'],
    rules: { 'no-restricted-imports': restrict([folder('src-renderer'), 'Tooling does not import the UI.'], electronOnlyInShell) },
  },
  {
    // Tests load Electron's API surface only to replace it or to scan the shell's code, and read
    // raw rows and replies whose shape is what they check.
    files: ['tests/**', '**/*.test.ts', '**/*.test.tsx'],
    // With `any` allowed here, older disable comments for it are only noise: warn, do not fail.
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      'no-restricted-imports': 'off',
      'no-restricted-globals': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
