/**
 * The bench's synthetic frames: which preset a seed gets, where its frames are cached, and the one
 * place that renders and records them ({@link cachedFrame}). Shared by the bench (run.ts), the
 * failure diagnosis (diagnose.ts) and the locate, edge and replay tools.
 *
 * Until session 12 the preset came from the seed's first random draw, which also picks the
 * document format (scripts/mrz/random-mrz.ts), so every `clean` frame was a passport (TD3) and
 * every `hard` frame a visa (MRV-A/MRV-B), and no visa but a few was ever `normal`. The preset
 * now has a stream of its own; frames of the old rule stay in the `.cache/mrz-bench*` directories
 * of earlier checkouts, the new ones are cached under `.cache/mrz-frames*`.
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRng } from '../../scripts/mrz/random-mrz.ts';
import { renderSynthetic, type SynthResult } from '../../scripts/mrz/synth.ts';
import { nextTask } from '../../scripts/mrz/train-io.ts';
import type { MrzFormat, Point } from '../../sdk/mrz/types.ts';

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

/** How a cached synthetic frame was drawn (`drawn` in its `.json`, beside the ground truth). */
export interface FrameMeta {
  preset: string;
  /** The MRZ's character pitch in frame pixels (text box width over line length). */
  pitch: number;
  /** Width of the hand-shake box blur in frame pixels (0: none). */
  motionBox: number;
  /** The Gaussian blur in frame pixels: the canvas filter's `blur()` radius, its standard deviation (0: none). */
  blur: number;
  /** The MRZ text box in frame pixels: top-left, top-right, bottom-right, bottom-left. */
  corners: readonly Point[];
}

/** A cached synthetic frame: its image file, ground truth and how it was drawn. */
export interface CachedFrame {
  readonly file: string;
  readonly lines: string[];
  readonly format: string;
  /** Null for a frame without an MRZ. */
  readonly drawn: FrameMeta | null;
  /** Whether this call rendered it (it was not cached, or cached before `drawn` was recorded in full). */
  readonly rendered: boolean;
}

/** Options of a bench frame: without an MRZ (a negative), or with the document's format forced. */
export interface FrameOptions {
  readonly noMrz?: boolean;
  readonly format?: MrzFormat;
}

/** The MRZ's character pitch as drawn: frame pixels along the text box's top edge per character. */
export function drawnPitch(doc: SynthResult): number {
  const [tl, tr] = doc.corners;
  return Math.hypot(tr.x - tl.x, tr.y - tl.y) / (doc.lines[0]?.length ?? 1);
}

/** The document of `seed` drawn as the bench draws it (preset by {@link benchPreset}, JPEG), with all the generator knows of it. */
export function renderFrame(seed: number, options: FrameOptions = {}): SynthResult {
  return renderSynthetic(seed, { preset: benchPreset(seed), encoding: 'jpeg', ...(options.noMrz ? { noMrz: true } : {}), ...(options.format ? { format: options.format } : {}) });
}

/**
 * A photo the size of the sample images found on the web (260-500 pixels wide, the document filling
 * it, characters about 4.5 to 12 pixels wide), JPEG: for a seeded half, the generator's `clean`
 * preset; for the other, light print blur (0.5 px), a little tilt and perspective. See
 * bench/mrz/small-photos.ts.
 */
export function renderSmallPhoto(seed: number): SynthResult {
  const rng = createRng(seed ^ 0x5a5a);
  const width = Math.round(260 + rng() * 240);
  const height = Math.round(width * (0.62 + rng() * 0.1));
  const common = { width, height, docScale: [0.85, 0.97], encoding: 'jpeg' } as const;
  return renderSynthetic(
    seed,
    rng() < 0.5
      ? { ...common, preset: 'clean', jpegQuality: [80, 95] }
      : { ...common, preset: 'normal', blur: 0.5, motionBlur: 0, maxTilt: 5, perspective: 0.02, jpegQuality: [70, 95] },
  );
}

/**
 * The synthetic frame of `seed` cached in `dir` (`syn-<seed>.jpg`, or `neg-<seed>.jpg` without an MRZ
 * with `noMrz`) and its `.json`, rendered as the bench renders (preset by {@link benchPreset}, JPEG)
 * when missing; `format` forces the document's format. Rendering is deterministic: a frame rendered
 * again has the same bytes.
 */
export function cachedFrame(dir: string, seed: number, options: FrameOptions = {}): CachedFrame {
  const file = join(dir, `${options.noMrz ? 'neg' : 'syn'}-${seed}.jpg`);
  const meta = `${file}.json`;
  if (existsSync(file) && existsSync(meta)) {
    const cached = JSON.parse(readFileSync(meta, 'utf8')) as Omit<CachedFrame, 'file' | 'rendered'> & { drawn?: Partial<FrameMeta> | null };
    if (cached.drawn === null || cached.drawn?.corners) return { file, lines: cached.lines, format: cached.format, drawn: cached.drawn as FrameMeta | null, rendered: false };
  }
  const preset = benchPreset(seed);
  const doc = renderFrame(seed, options);
  const { motionBlur, blur } = doc.params;
  const drawn: FrameMeta | null = options.noMrz
    ? null
    : {
        preset,
        pitch: drawnPitch(doc),
        // The generator's motion blur is a box of 2r + 1 pixels (r = params.motionBlur).
        motionBox: typeof motionBlur === 'number' ? 2 * motionBlur + 1 : 0,
        blur: typeof blur === 'number' ? blur : 0,
        corners: doc.corners,
      };
  writeFileSync(file, doc.image);
  writeFileSync(meta, JSON.stringify({ lines: doc.lines, format: doc.format, drawn }));
  return { file, lines: doc.lines, format: doc.format, drawn, rendered: true };
}

/**
 * The cached frames of `seeds` ({@link cachedFrame}), the missing ones rendered with a turn of the
 * event loop after each (train-io.ts `nextTask`): a loop that never yielded held about 23 MB a
 * frame, the bench's 340 frames 7.5 GB. `onRendered(done, total)` hears of each frame rendered.
 */
export async function cachedFrames(dir: string, seeds: readonly number[], options: FrameOptions = {}, onRendered?: (done: number, total: number) => void): Promise<CachedFrame[]> {
  const out: CachedFrame[] = [];
  for (const seed of seeds) {
    const f = cachedFrame(dir, seed, options);
    out.push(f);
    if (f.rendered) {
      onRendered?.(out.length, seeds.length);
      await nextTask();
    }
  }
  return out;
}

/** How a read compares with a frame's truth: valid and right, valid but wrong, right text not valid, wrong text, no read. */
export type ReadStatus = 'valid' | 'FALSE-ACCEPT' | 'exact' | 'wrong' | 'none';

/** The {@link ReadStatus} of read `r` (readMrz's result, or null) of a frame whose MRZ is `truth`. */
export function readStatus(r: { readonly lines: readonly string[]; readonly valid: boolean } | null, truth: readonly string[]): ReadStatus {
  const exact = !!r && r.lines.join('\n') === truth.join('\n');
  return r?.valid ? (exact ? 'valid' : 'FALSE-ACCEPT') : exact ? 'exact' : r ? 'wrong' : 'none';
}

/** Tilt (degrees) of a frame's MRZ text box, and its width as a share of the frame's width `frameWidth`. */
export function boxTiltScale(drawn: FrameMeta, frameWidth: number): { tilt: number; scale: number } {
  const [tl, tr] = drawn.corners as [Point, Point];
  return { tilt: (Math.atan2(tr.y - tl.y, tr.x - tl.x) * 180) / Math.PI, scale: Math.hypot(tr.x - tl.x, tr.y - tl.y) / frameWidth };
}
