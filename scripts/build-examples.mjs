// Builds the framework examples in docs/examples (React 19, Vue 3, Angular, plain HTML) with vite, each
// importing `timpora-kit` exactly as an integrator would (aliased here to this checkout's sources).
import { build } from 'vite';
import { readdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
export const EXAMPLES_DIR = resolve(root, 'docs/examples');
export const EXAMPLES_OUT = resolve(root, '.tmp/examples');

export function exampleNames() {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(resolve(EXAMPLES_DIR, d.name, 'index.html')))
    .map((d) => d.name)
    .sort();
}

export async function buildExample(name) {
  await build({
    root: resolve(EXAMPLES_DIR, name),
    base: './',
    logLevel: 'warn',
    configFile: false,
    resolve: {
      alias: [
        { find: /^timpora-kit$/, replacement: resolve(root, 'src/index.ts') },
        { find: /^timpora-kit\/define$/, replacement: resolve(root, 'src/define.ts') },
        { find: /^timpora-kit\/sdk$/, replacement: resolve(root, 'sdk/index.ts') },
        // Vue compiles the example's template at run time: use the build that carries the compiler.
        { find: /^vue$/, replacement: 'vue/dist/vue.esm-bundler.js' },
      ],
    },
    oxc: { jsx: { runtime: 'automatic' } },
    define: { 'process.env.NODE_ENV': '"production"', __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
    build: { outDir: resolve(EXAMPLES_OUT, name), emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const name of process.argv.slice(2).length ? process.argv.slice(2) : exampleNames()) {
    const started = Date.now();
    await buildExample(name);
    console.log(`built ${name} in ${Date.now() - started} ms -> .tmp/examples/${name}`);
  }
}
