import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The web UI of `mimir serve`, built by `npm run build` into dist/web/ (shipped in the package).
 * Preact's JSX runtime comes from web/tsconfig.json; no inline scripts or styles are emitted, so the
 * server's Content-Security-Policy can allow only 'self'.
 */
const webDir = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: webDir,
  base: '/',
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The module preload polyfill is an inline helper; every browser the UI targets preloads modules itself.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
