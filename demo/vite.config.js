// The demo portal: built once and served under the strict CSP (demo/csp.js), as an agency would serve it.
import { defineConfig } from 'vite';
import { timporaCsp } from './csp.js';

const api = process.env.VITE_TIMPORA_SERVER ?? 'http://127.0.0.1:8787';
const headers = {
  'Content-Security-Policy': timporaCsp({ apiOrigins: [api, api.replace('127.0.0.1', 'localhost')] }),
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(self), microphone=()',
};

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  publicDir: 'public',
  build: { outDir: '../.tmp/demo', emptyOutDir: true, target: 'es2022', sourcemap: true },
  worker: { format: 'es' },
  preview: { headers },
  server: { fs: { allow: ['..'] } },
});
