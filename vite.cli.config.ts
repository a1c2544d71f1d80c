// Build of the `timpora-mrz` CLI (bin/timpora-mrz-cli.ts with the MRZ engine) for Node, into
// dist/cli/: what an installed package runs (see bin/timpora-mrz.js). Packages stay external
// (`mrz`, a dependency; `@napi-rs/canvas`, an optional peer dependency the CLI asks for).
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

export default defineConfig({
  build: {
    ssr: resolve(import.meta.dirname, 'bin/timpora-mrz-cli.ts'),
    outDir: 'dist/cli',
    emptyOutDir: false,
    target: 'node20',
    rollupOptions: { output: { entryFileNames: 'timpora-mrz.js' } },
  },
});
