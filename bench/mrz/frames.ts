/**
 * The bench's synthetic frames: which preset a seed gets and where its frames are cached. Shared by
 * the bench (run.ts), the failure diagnosis (diagnose.ts) and the locate and replay tools.
 *
 * Until session 12 the preset came from the seed's first random draw, which also picks the
 * document format (scripts/mrz/random-mrz.ts), so every `clean` frame was a passport (TD3) and
 * every `hard` frame a visa (MRV-A/MRV-B), and no visa but a few was ever `normal`. The preset
 * now has a stream of its own; frames of the old rule stay in the `.cache/mrz-bench*` directories
 * of earlier checkouts, the new ones are cached under `.cache/mrz-frames*`.
 * @module
 */
import { join, resolve } from 'node:path';
import { createRng } from '../../scripts/mrz/random-mrz.ts';

/** Repository root. */
export const ROOT = resolve(import.meta.dirname, '..', '..');

/** The bench's own seed range starts here (320 frames, then 20 negatives from 90320). */
export const BENCH_SEED0 = 70000;

/** Mixes the seed so the preset draw is independent of the document's own stream. */
const PRESET_STREAM = 0x5bd1e995;

/** The preset of a bench seed: 15% clean, 70% normal, 15% hard, whatever the format. */
export function benchPreset(seed: number): 'clean' | 'normal' | 'hard' {
  const r = createRng((seed ^ PRESET_STREAM) >>> 0)();
  return r < 0.15 ? 'clean' : r < 0.85 ? 'normal' : 'hard';
}

/** Cache directory of the frames from `seed0` (the bench's own set at 70000), optionally all of one format. */
export function framesDir(seed0: number = BENCH_SEED0, format = ''): string {
  return join(ROOT, '.cache', seed0 === BENCH_SEED0 ? 'mrz-frames' : `mrz-frames-${seed0}${format ? `-${format}` : ''}`);
}

/** What run.ts records of a cached synthetic frame (`drawn` in its `.json`, beside the ground truth); edge.ts reads it. */
export interface FrameMeta {
  preset: string;
  /** The MRZ's character pitch in frame pixels (text box width over line length). */
  pitch: number;
  /** Width of the hand-shake box blur in frame pixels (0: none). */
  motionBox: number;
  /** Radius of the Gaussian blur in frame pixels (0: none). */
  blur: number;
  /** The MRZ text box in frame pixels: top-left, top-right, bottom-right, bottom-left. */
  corners: readonly { x: number; y: number }[];
}
