#!/usr/bin/env node
// timpora-mrz: read MRZs from JPEG/PNG files with the Timpora Kit engine.
// Usage: timpora-mrz read <images...> [--json] [--no-rotations]
// In a source checkout (sdk/ beside bin/) the TypeScript runs through tsx, a dev dependency, so
// the CLI is never a stale build; an installed package runs its build, dist/cli/timpora-mrz.js
// (`npm run build`; the package ships no sources).
import { existsSync } from 'node:fs';

let main;
if (existsSync(new URL('../sdk/mrz/engine.ts', import.meta.url))) {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('./timpora-mrz-cli.ts'));
} else {
  ({ main } = await import('../dist/cli/timpora-mrz.js'));
}
process.exitCode = await main(process.argv.slice(2));
