// Library build (vite library mode) to dist/, one file per public entry; runtime dependencies stay
// external so an integrator's bundler de-duplicates Lit. The SDK entry never reaches Lit.
import { defineConfig } from 'vite';
import { readdirSync, existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = import.meta.dirname;
const componentEntries = Object.fromEntries(
  readdirSync(resolve(root, 'components'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(resolve(root, 'components', d.name, 'define.ts')))
    .map((d) => [`components/${d.name}`, resolve(root, 'components', d.name, 'define.ts')]),
);

export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    target: 'es2022',
    lib: {
      entry: {
        index: resolve(root, 'src/index.ts'),
        define: resolve(root, 'src/define.ts'),
        sdk: resolve(root, 'sdk/index.ts'),
        ...componentEntries,
      },
      formats: ['es'],
    },
    rollupOptions: {
      external: [/^lit($|\/)/, /^@lit\//, /^idb($|\/)/, /^mrz($|\/)/, /^ical\.js($|\/)/],
    },
  },
  worker: { format: 'es' },
});
