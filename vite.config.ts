import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { buildCsp } from './src-main/electron/csp.js';

/**
 * The renderer build (dist-renderer/), served by `npm run serve` / `npm start` in browser kiosk
 * mode and loaded by Electron. Relative asset URLs so the same build works from http:// and
 * file://. The CSP is injected into the built HTML only (Vite's dev server needs inline scripts).
 */
// The shells' policy (src-main/electron/csp.ts) minus frame-ancestors, which a <meta> CSP cannot carry.
const CSP = buildCsp().split('; ').filter((d) => !d.startsWith('frame-ancestors')).join('; ');

function cspMeta(): Plugin {
  return {
    name: 'parkgate-csp',
    apply: 'build',
    transformIndexHtml(html) {
      return html.replace('<head>', `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />`);
    },
  };
}

export default defineConfig({
  base: './',
  plugins: [react(), cspMeta()],
  build: {
    outDir: 'dist-renderer',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    assetsInlineLimit: 0,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': process.env.PARKGATE_API ?? 'http://127.0.0.1:8787' },
  },
});
