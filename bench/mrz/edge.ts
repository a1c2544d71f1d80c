/**
 * The bench's synthetic frames read with the MRZ at the frame's edge (not a test): each frame is cut
 * so that the MRZ text starts half a character from the frame's left edge, and again so that it
 * ends half a character from the right edge, as when a document held close fills the camera's view.
 * Windows the engine rectifies then run off the frame; how they are sampled there matters (see
 * rectify.ts, session 34). Prints the counts per status; `--list` also every frame's status, for
 * comparing two checkouts line by line. Session 34: 561 of 640 cuts read valid, no false accept (the
 * same frames uncut: 284 of 320).
 *
 * Reads the bench's cached frames (rendered when missing: frames.ts `cachedFrame`), whose `drawn`
 * record holds the MRZ's corners and pitch.
 *
 * `node --import tsx bench/mrz/edge.ts [--n 320] [--list]`
 * @module
 */
import { readMrz } from '../../sdk/mrz/engine.ts';
import { loadRgba } from '../../scripts/mrz/train-io.ts';
import type { RgbaImage } from '../../sdk/mrz/types.ts';
import { BENCH_SEED0, cachedFrame, framesDir, readStatus } from './frames.ts';

const args = process.argv.slice(2);
const nAt = args.indexOf('--n');
const N = nAt >= 0 ? Number(args[nAt + 1]) : 320;
const LIST = args.includes('--list');

/** Columns x0..x1 (exclusive) of `img`. */
function cropColumns(img: RgbaImage, x0: number, x1: number): RgbaImage {
  const w = x1 - x0;
  const data = new Uint8ClampedArray(w * img.height * 4);
  for (let y = 0; y < img.height; y++) data.set(img.data.subarray((y * img.width + x0) * 4, (y * img.width + x1) * 4), y * w * 4);
  return { width: w, height: img.height, data };
}

const counts = new Map<string, number>();
for (let i = 0; i < N; i++) {
  const frame = cachedFrame(framesDir(), BENCH_SEED0 + i);
  if (!frame.drawn) continue;
  const { corners, pitch } = frame.drawn;
  const img = await loadRgba(frame.file);
  const xs = corners.map((c) => c.x);
  const cuts = {
    left: [Math.max(0, Math.floor(Math.min(...xs) - 0.5 * pitch)), img.width],
    right: [0, Math.min(img.width, Math.ceil(Math.max(...xs) + 0.5 * pitch))],
  } as const;
  for (const [side, [x0, x1]] of Object.entries(cuts)) {
    const status = readStatus(readMrz(cropColumns(img, x0, x1), { rotations: false }), frame.lines);
    counts.set(status, (counts.get(status) ?? 0) + 1);
    if (LIST) console.log(`${BENCH_SEED0 + i} ${side} ${status}`);
  }
}
console.log(`MRZ at the frame's edge: ${N} frames x 2 cuts`);
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(18)} ${v}`);
