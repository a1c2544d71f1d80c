/**
 * Image I/O helpers for the MRZ training, inspection and benchmark scripts (Node only):
 * decode JPEG/PNG with @napi-rs/canvas into RGBA, and write greyscale/float images as PNG.
 * @module
 */
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { writeFileSync } from 'node:fs';
import type { RgbaImage } from '../../sdk/mrz/types.ts';

/** Decodes an image file or buffer to RGBA. */
export async function loadRgba(src: string | Buffer): Promise<RgbaImage> {
  const img = await loadImage(src);
  const c = createCanvas(img.width, img.height);
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, img.width, img.height);
  return { width: d.width, height: d.height, data: new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength) };
}

/** Writes a one-channel image (values mapped by `map`) as PNG. */
export function writeGrayPng(path: string, width: number, height: number, get: (i: number) => number): void {
  const c = createCanvas(width, height);
  const ctx = c.getContext('2d');
  const id = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const v = Math.max(0, Math.min(255, Math.round(get(i))));
    id.data[i * 4] = v;
    id.data[i * 4 + 1] = v;
    id.data[i * 4 + 2] = v;
    id.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(id, 0, 0);
  writeFileSync(path, c.toBuffer('image/png'));
}
