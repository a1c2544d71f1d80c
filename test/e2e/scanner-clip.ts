/**
 * Test set-up for the scanner end-to-end test and benchmark: renders a synthetic passport page
 * (scripts/mrz/synth.ts, OCR-B MRZ) and writes it as a YUV4MPEG2 clip for Chromium's fake camera
 * (`--use-file-for-fake-video-capture`). A tiny y4m writer (I420, BT.601 full range) avoids any
 * external tool; each frame is the page shifted by a few pixels with fresh sensor noise, like a
 * hand-held camera. With `settle`, the clip starts with the document sliding in from the left and
 * slowing down, blurred along its motion, as a hand brings it under the camera. With `shake`, every
 * frame is blurred sideways, as by a hand that does not hold still.
 * @module
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { openSync, writeSync, closeSync } from 'node:fs';
import { renderSynthetic } from '../../scripts/mrz/synth.ts';
import { createRng } from '../../scripts/mrz/random-mrz.ts';
import type { MrzFormat } from '../../sdk/mrz/types.ts';

/** Options of {@link makeScannerClip}. */
export interface ScannerClipOptions {
  seed?: number;
  format?: MrzFormat;
  width?: number;
  height?: number;
  /** Distinct frames (each a jittered copy). Default 6. */
  frames?: number;
  /** Times each distinct frame repeats (30 fps clip). Default 5. */
  repeat?: number;
  /** Max jitter in pixels. Default 3. */
  jitter?: number;
  /** Standard deviation of added noise (0-255). Default 3. */
  noise?: number;
  /** Look of the page (synth.ts presets). Default 'clean'. */
  preset?: 'clean' | 'normal' | 'hard';
  /** Width of the document as a share of the frame's, [min, max]. Default [0.85, 0.9]. */
  docScale?: readonly [number, number];
  /** Frames of the document sliding into place before the jittered ones (at most {@link SETTLE_SPEEDS}' length). Default 0. */
  settle?: number;
  /** The MRZ lines to print (of `format`). Default: the generator's random document. */
  lines?: readonly string[];
  /** Width in pixels (odd) of a sideways box blur over every jittered frame: a shaking hand. Default 0 (none). */
  shake?: number;
}

/** Pixels per frame (1280 px wide) of a document slowing down as it comes to rest: the `settle` frames' motion. */
export const SETTLE_SPEEDS = [40, 32, 26, 21, 17, 13, 10, 7, 5, 3, 2, 1] as const;

/** What was written. */
export interface ScannerClip {
  readonly path: string;
  readonly lines: string[];
  readonly format: MrzFormat;
  readonly width: number;
  readonly height: number;
  readonly frames: number;
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** Writes RGBA frames as a y4m (C420jpeg) file. */
export function writeY4m(path: string, width: number, height: number, frames: Iterable<Uint8ClampedArray>, fps = 30): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    const cw = width >> 1;
    const ch = height >> 1;
    const y = new Uint8Array(width * height);
    const u = new Uint8Array(cw * ch);
    const v = new Uint8Array(cw * ch);
    for (const rgba of frames) {
      for (let i = 0, j = 0; i < width * height; i++, j += 4) {
        y[i] = clamp(Math.round(0.299 * rgba[j]! + 0.587 * rgba[j + 1]! + 0.114 * rgba[j + 2]!));
      }
      for (let cy = 0; cy < ch; cy++) {
        for (let cx = 0; cx < cw; cx++) {
          let r = 0;
          let g = 0;
          let b = 0;
          for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) {
            const j = ((cy * 2 + dy) * width + cx * 2 + dx) * 4;
            r += rgba[j]!;
            g += rgba[j + 1]!;
            b += rgba[j + 2]!;
          }
          r /= 4;
          g /= 4;
          b /= 4;
          u[cy * cw + cx] = clamp(Math.round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b));
          v[cy * cw + cx] = clamp(Math.round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b));
        }
      }
      writeSync(fd, 'FRAME\n');
      writeSync(fd, y);
      writeSync(fd, u);
      writeSync(fd, v);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Renders a synthetic document and writes the clip to `path`. Returns the MRZ lines printed on it
 * (the ground truth the scanner must report).
 */
export async function makeScannerClip(path: string, options: ScannerClipOptions = {}): Promise<ScannerClip> {
  const seed = options.seed ?? 4242;
  const width = options.width ?? 1280;
  const height = options.height ?? 720;
  const distinct = options.frames ?? 6;
  const repeat = options.repeat ?? 5;
  const jitter = options.jitter ?? 3;
  const noise = options.noise ?? 3;
  const synth = renderSynthetic(seed, {
    format: options.format ?? 'TD3',
    width: width + 2 * jitter,
    height: height + 2 * jitter,
    preset: options.preset ?? 'clean',
    maxTilt: 3,
    docScale: options.docScale ?? [0.85, 0.9],
    encoding: 'png',
    ...(options.lines ? { lines: options.lines } : {}),
  });
  const image = await loadImage(synth.image);
  const canvas = createCanvas(synth.width, synth.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const page = ctx.getImageData(0, 0, synth.width, synth.height).data;
  // The shaking hand's blur before the sensor's noise.
  const shake = options.shake ?? 0;
  const src = shake > 1 ? blurRows(page, synth.width, synth.height, (shake - 1) >> 1, 0) : page;
  const rng = createRng(seed ^ 0x5eed);
  const gauss = (): number => {
    const a = Math.max(1e-9, rng());
    return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * rng());
  };
  const frames: Uint8ClampedArray[] = [];
  for (let f = 0; f < distinct; f++) {
    const dx = jitter + Math.round((rng() * 2 - 1) * jitter);
    const dy = jitter + Math.round((rng() * 2 - 1) * jitter);
    const out = new Uint8ClampedArray(width * height * 4);
    for (let yy = 0; yy < height; yy++) {
      for (let xx = 0; xx < width; xx++) {
        const s = ((yy + dy) * synth.width + xx + dx) * 4;
        const d = (yy * width + xx) * 4;
        const n = noise * gauss();
        out[d] = src[s]! + n;
        out[d + 1] = src[s + 1]! + n;
        out[d + 2] = src[s + 2]! + n;
        out[d + 3] = 255;
      }
    }
    frames.push(out);
  }
  const speeds = SETTLE_SPEEDS.slice(SETTLE_SPEEDS.length - Math.min(options.settle ?? 0, SETTLE_SPEEDS.length));
  function* sliding(): Generator<Uint8ClampedArray> {
    const first = frames[0]!;
    for (let k = 0; k < speeds.length; k++) {
      // Still to travel, and the blur of this frame's motion over about a third of a frame's time.
      const offset = Math.round(speeds.slice(k).reduce((a, b) => a + b, 0) * (width / 1280));
      const r = Math.round((speeds[k]! * (width / 1280)) / 3);
      yield blurRows(first, width, height, r, offset);
    }
  }
  function* sequence(): Generator<Uint8ClampedArray> {
    yield* sliding();
    for (const frame of frames) for (let r = 0; r < repeat; r++) yield frame;
  }
  writeY4m(path, width, height, sequence());
  return { path, lines: synth.lines, format: synth.format, width, height, frames: speeds.length + distinct * repeat };
}

/**
 * `frame` (RGBA, `width` x `height`) moved `offset` pixels right (the uncovered left filled with a grey
 * desk) and box-blurred along its rows over `2r + 1` pixels: motion sideways.
 */
function blurRows(frame: Uint8ClampedArray, width: number, height: number, r: number, offset: number): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  const row = new Float32Array(width);
  for (let yy = 0; yy < height; yy++) {
    for (let c = 0; c < 3; c++) {
      for (let xx = 0; xx < width; xx++) row[xx] = xx - offset >= 0 ? frame[(yy * width + xx - offset) * 4 + c]! : 118;
      let sum = 0;
      let n = 0;
      for (let xx = -r; xx < width; xx++) {
        if (xx + r < width) {
          sum += row[xx + r]!;
          n++;
        }
        if (xx - r - 1 >= 0) {
          sum -= row[xx - r - 1]!;
          n--;
        }
        if (xx >= 0) out[(yy * width + xx) * 4 + c] = sum / n;
      }
    }
    for (let xx = 0; xx < width; xx++) out[(yy * width + xx) * 4 + 3] = 255;
  }
  return out;
}
