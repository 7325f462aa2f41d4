import { defineConfig } from 'vite';

// The product serves the bundle at /ui/. Relative asset URLs (base './') keep it working behind a
// reverse proxy that adds a path prefix; `npm run dev` proxies the API to a server on :8000.
export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  server: { proxy: { '/api': 'http://127.0.0.1:8000', '/health': 'http://127.0.0.1:8000' } },
});
