// Build of the `timpora-mrz` CLI (bin/timpora-mrz-cli.ts with the MRZ engine) for Node, into
// dist/cli/: what an installed package runs (see bin/timpora-mrz.js). The engine is bundled in;
// packages stay external (the only one it imports is `@napi-rs/canvas`, an optional peer
// dependency the CLI loads on first use and asks for by name when it is missing).
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
