import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The desk is built into dist/desk and served by the service itself at / (assets under /desk/),
// so nothing is fetched from anywhere else at run time.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/desk/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/desk', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // Every asset is a file of its own: the page's CSP allows no data: URLs.
    assetsInlineLimit: 0,
  },
});
