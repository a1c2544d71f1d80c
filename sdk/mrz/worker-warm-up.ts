/**
 * The worker's warm-up input: a small image of a valid MRZ (ICAO 9303's TD3 specimen in OCR-B) that
 * the engine reads through its whole pipeline (locate, rectify, segment, classify, check digits,
 * parse), so every stage is compiled and optimised before the first camera frame. Stored as run
 * lengths (`worker-warm-up-image.ts`, made by `bench/scanner/warm-up-image.ts`): no font, no canvas.
 * @module
 */
import type { GrayImage } from './types.ts';

/** The lines printed in the warm-up image (ICAO 9303 part 4's TD3 specimen). @internal */
export const WARM_UP_LINES = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'] as const;

/**
 * Run-length codes a 0/1 ink mask (row-major): alternating runs of paper (0) and ink (1), paper
 * first, each run as bytes of at most 255 (a longer run continues after a zero-length run of the
 * other colour), base64. @internal
 */
export function encodeRuns(ink: Uint8Array): string {
  const bytes: number[] = [];
  let colour = 0;
  let i = 0;
  while (i < ink.length) {
    let n = 0;
    while (i < ink.length && ink[i] === colour) {
      n++;
      i++;
    }
    while (n > 255) {
      bytes.push(255, 0);
      n -= 255;
    }
    bytes.push(n);
    colour ^= 1;
  }
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

/** A run-length coded black-and-white image ({@link encodeRuns}). @internal */
export interface WarmUpImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** The runs, base64. */
  readonly runs: string;
}

/** Decodes {@link encodeRuns} output into a greyscale image (ink 0, paper 255). @internal */
export function decodeWarmUpImage(coded: WarmUpImage): GrayImage & { readonly data: Uint8Array } {
  const data = new Uint8Array(coded.width * coded.height).fill(255);
  const bytes = atob(coded.runs);
  let at = 0;
  for (let k = 0; k < bytes.length; k++) {
    const n = bytes.charCodeAt(k);
    if (k % 2 === 1) data.fill(0, at, Math.min(data.length, at + n));
    at += n;
  }
  if (at !== data.length) throw new Error('warm-up image: run lengths do not cover the image');
  return { width: coded.width, height: coded.height, data };
}
