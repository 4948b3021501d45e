// The console (issue 18): a static React bundle that config-api serves at /console. Everything it
// loads is in dist/apps/console (no CDN, no web fonts): config-api's CSP allows 'self' only.
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/console', import.meta.url)),
    emptyOutDir: true,
    // No data: URIs and no inline polyfill: every asset is a file under /console/assets.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  // `npx vite --config apps/console/vite.config.mjs` for page work against a running config-api.
  server: { proxy: { '/v1': 'http://127.0.0.1:3001' } },
});
