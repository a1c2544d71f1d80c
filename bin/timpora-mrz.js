#!/usr/bin/env node
// timpora-mrz: read MRZs from JPEG/PNG files with the Timpora Kit engine.
// Usage: timpora-mrz read <images...> [--json] [--no-rotations]
// Runs the TypeScript engine directly through tsx's loader API (installed with the repo).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./timpora-mrz-cli.ts');
process.exitCode = await main(process.argv.slice(2));
