/**
 * CLI behind `bin/timpora-mrz.js`: `timpora-mrz read <images...> [--json] [--no-rotations]`.
 * Decodes JPEG/PNG with @napi-rs/canvas (an optional peer dependency: the library itself never
 * needs it), reads the MRZ with the engine (still-image mode: all four orientations) and prints
 * one result per file (text, or one JSON array with `--json`). In text, `^` under a line marks the
 * result's `doubts`: characters no check digit covers that were not read surely, to compare with
 * the document.
 * Exit code: 0 when every file was decoded (with or without an MRZ), 1 when a file could not be
 * read, 2 on usage errors or when the image decoder is not installed.
 * @module
 */
import { stat } from 'node:fs/promises';
import { readMrz } from '../sdk/mrz/engine.ts';
import type { MrzImageResult } from '../sdk/mrz/types.ts';
import type * as NapiCanvas from '@napi-rs/canvas';

const USAGE = `usage: timpora-mrz read <images...> [--json] [--no-rotations]
  Reads the MRZ of each JPEG or PNG file.
  --json          one JSON array of {file, result, ms} or {file, error, result: null}
  --no-rotations  only the upright orientation (faster; photos taken sideways are not read)
`;

const OPTIONS = new Set(['--json', '--no-rotations']);

/** Where the CLI writes (the process's streams; tests pass their own). */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: CliOutput = {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
};

/** One file's outcome, as printed (text) or listed (`--json`). */
export interface FileReport {
  file: string;
  error?: string;
  result: MrzImageResult | null;
  ms?: number;
}

/** The image decoder is missing: not a problem of any one file. */
class DecoderMissing extends Error {}

type Canvas = typeof NapiCanvas;
let canvas: Promise<Canvas> | null = null;

function loadCanvas(): Promise<Canvas> {
  canvas ??= import('@napi-rs/canvas').catch((e: unknown) => {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new DecoderMissing(`timpora-mrz decodes images with @napi-rs/canvas, which could not be loaded (${why}): npm install @napi-rs/canvas`);
  });
  return canvas;
}

async function decode(file: string): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const info = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw new Error(e.code === 'ENOENT' ? 'file not found' : e.message);
  });
  if (!info.isFile()) throw new Error('not a file');
  const { createCanvas, loadImage } = await loadCanvas();
  let img: Awaited<ReturnType<Canvas['loadImage']>>;
  try {
    img = await loadImage(file);
  } catch (e) {
    throw new Error(`not a readable JPEG or PNG image (${e instanceof Error ? e.message : String(e)})`);
  }
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, img.width, img.height);
  return { width: d.width, height: d.height, data: d.data };
}

/** A line of `^` under the doubtful columns of MRZ line `li`, or null when it has none. */
function doubtMarks(r: MrzImageResult, li: number): string | null {
  const cols = r.doubts.filter(([l]) => l === li).map(([, c]) => c);
  if (cols.length === 0) return null;
  const marks = Array.from({ length: r.lines[li]?.length ?? 0 }, (_, c) => (cols.includes(c) ? '^' : ' '));
  return marks.join('').trimEnd();
}

/** One file's outcome as the text output prints it. */
export function formatReport(r: FileReport): string {
  if (r.error) return `${r.file}: error: ${r.error}`;
  if (!r.result) return `${r.file}: no MRZ found (${r.ms?.toFixed(0)} ms)`;
  const x = r.result;
  const f = x.fields;
  const checks = Object.entries(x.checks)
    .map(([k, v]) => `${k}:${v ? 'ok' : 'FAIL'}`)
    .join(' ');
  const lines: string[] = [];
  x.lines.forEach((l, i) => {
    lines.push(`  ${l}`);
    const marks = doubtMarks(x, i);
    if (marks) lines.push(`  ${marks}`);
  });
  return [
    `${r.file}: ${x.valid ? 'VALID' : 'NOT VALID'} ${x.format} confidence ${x.confidence.toFixed(2)} (${r.ms?.toFixed(0)} ms)`,
    ...lines,
    `  ${f.documentCode} ${f.issuingState} no ${f.documentNumber} | ${f.surname}, ${f.givenNames} | ${f.nationality} ${f.sex} born ${f.birthDate ?? '?'} expires ${f.expiryDate ?? '?'}`,
    `  checks ${checks}${x.corrections.length ? ` | corrected ${x.corrections.length}` : ''}${x.doubts.length ? ` | unsure ${x.doubts.length} (^): compare with the document` : ''}`,
  ].join('\n');
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: readonly string[], io: CliOutput = processOutput): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === '--help' || cmd === '-h' || cmd === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (cmd !== 'read') {
    io.err(cmd === undefined ? USAGE : `timpora-mrz: unknown command ${cmd}\n${USAGE}`);
    return 2;
  }
  const unknown = rest.filter((a) => a.startsWith('-') && !OPTIONS.has(a));
  if (unknown.length > 0) {
    io.err(`timpora-mrz: unknown option ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const json = rest.includes('--json');
  const rotations = !rest.includes('--no-rotations');
  const files = rest.filter((a) => !OPTIONS.has(a));
  if (files.length === 0) {
    io.err(`timpora-mrz: no image given\n${USAGE}`);
    return 2;
  }
  const reports: FileReport[] = [];
  let failed = false;
  for (const file of files) {
    let report: FileReport;
    try {
      const img = await decode(file);
      const t0 = performance.now();
      const result = readMrz(img, { rotations });
      report = { file, result, ms: performance.now() - t0 };
    } catch (e) {
      if (e instanceof DecoderMissing) {
        io.err(`${e.message}\n`);
        return 2;
      }
      failed = true;
      report = { file, error: e instanceof Error ? e.message : String(e), result: null };
    }
    reports.push(report);
    if (!json) io.out(formatReport(report) + '\n');
  }
  if (json) io.out(JSON.stringify(reports, null, 2) + '\n');
  return failed ? 1 : 0;
}
