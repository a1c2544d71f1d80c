/**
 * CLI behind `bin/timpora-mrz.js`: `timpora-mrz read <images...> [--json] [--no-rotations]`.
 * Decodes JPEG/PNG with @napi-rs/canvas, reads the MRZ with the engine (still-image mode: all
 * four orientations) and prints one result per file (text, or one JSON array with `--json`).
 * Exit code: 0 when every file was decoded, 1 when a file could not be read, 2 on usage errors.
 * @module
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { readMrz } from '../sdk/mrz/engine.ts';
import type { MrzImageResult } from '../sdk/mrz/types.ts';

const USAGE = 'usage: timpora-mrz read <images...> [--json] [--no-rotations]\n';

interface FileReport {
  file: string;
  error?: string;
  result: MrzImageResult | null;
  ms?: number;
}

async function decode(file: string): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const img = await loadImage(file);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, img.width, img.height);
  return { width: d.width, height: d.height, data: d.data };
}

function describe(r: FileReport): string {
  if (r.error) return `${r.file}: error: ${r.error}`;
  if (!r.result) return `${r.file}: no MRZ found (${r.ms?.toFixed(0)} ms)`;
  const x = r.result;
  const f = x.fields;
  const checks = Object.entries(x.checks)
    .map(([k, v]) => `${k}:${v ? 'ok' : 'FAIL'}`)
    .join(' ');
  return [
    `${r.file}: ${x.valid ? 'VALID' : 'NOT VALID'} ${x.format} confidence ${x.confidence.toFixed(2)} (${r.ms?.toFixed(0)} ms)`,
    ...x.lines.map((l) => `  ${l}`),
    `  ${f.documentCode} ${f.issuingState} no ${f.documentNumber} | ${f.surname}, ${f.givenNames} | ${f.nationality} ${f.sex} born ${f.birthDate ?? '?'} expires ${f.expiryDate ?? '?'}`,
    `  checks ${checks}${x.corrections.length ? ` | corrected ${x.corrections.length}` : ''}`,
  ].join('\n');
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd !== 'read') {
    process.stderr.write(USAGE);
    return 2;
  }
  const json = rest.includes('--json');
  const rotations = !rest.includes('--no-rotations');
  const files = rest.filter((a) => !a.startsWith('--'));
  if (files.length === 0) {
    process.stderr.write(USAGE);
    return 2;
  }
  const reports: FileReport[] = [];
  let failed = false;
  for (const file of files) {
    try {
      const img = await decode(file);
      const t0 = performance.now();
      const result = readMrz(img, { rotations });
      const report: FileReport = { file, result, ms: performance.now() - t0 };
      reports.push(report);
      if (!json) process.stdout.write(describe(report) + '\n');
    } catch (e) {
      failed = true;
      const report: FileReport = { file, error: e instanceof Error ? e.message : String(e), result: null };
      reports.push(report);
      if (!json) process.stdout.write(describe(report) + '\n');
    }
  }
  if (json) process.stdout.write(JSON.stringify(reports, null, 2) + '\n');
  return failed ? 1 : 0;
}
