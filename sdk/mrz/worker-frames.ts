/**
 * Worker-side frame handling: a `VideoFrame` or `ImageBitmap` → optional region crop and downscale →
 * pixels → the MRZ engine → corners mapped back to full-frame coordinates, plus an upright JPEG crop
 * of the band for a valid read.
 *
 * Two ways to pixels:
 * - the fast path for camera frames in a YUV format (`I420`, `NV12`, ... as cameras deliver them):
 *   `VideoFrame.copyTo` of the frame and an area-average downscale of its luma plane, i.e. the
 *   greyscale image the engine wants anyway, with no canvas, no colour conversion, no RGBA readback;
 * - otherwise (RGB frames, `ImageBitmap` photos, quarter turns for uploads): draw on an
 *   `OffscreenCanvas` and read RGBA back.
 *
 * Kept apart from the worker entry so it can be tested on the main thread with any engine function.
 * @module
 */
import type { MrzSighting, ReadMrzOptions } from './engine.ts';
import type { GrayImage, MrzImageResult, Point, RgbaImage } from './types.ts';
import { paddedBox, trackingRegion } from './region.ts';
import type { FrameReadOptions, FrameReadResponse, FrameRect, FrameSource } from './worker-protocol.ts';
import { decodeWarmUpImage, type WarmUpImage } from './worker-warm-up.ts';
import { classifyGlyphs, shippedModel } from './classify.ts';
import { GLYPH_H, GLYPH_W } from './segment.ts';
import { WARM_UP_IMAGE } from './worker-warm-up-image.ts';

/** The engine entry the worker calls (`readMrz` from sdk/mrz, which ignores `allowSpecimen`). May be sync or async. */
export type ReadMrzFunction = (
  image: RgbaImage | GrayImage,
  options: Pick<ReadMrzOptions, 'formats' | 'budgetMs' | 'onSighting'> & { allowSpecimen?: boolean },
) => MrzImageResult | null | Promise<MrzImageResult | null>;

const now = (): number => performance.now();

/** Width × height of a frame source (display size for a `VideoFrame`). */
export function frameSize(frame: FrameSource): {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
} {
  return 'displayWidth' in frame
    ? { width: frame.displayWidth, height: frame.displayHeight }
    : { width: frame.width, height: frame.height };
}

function clampRegion(region: FrameRect | undefined, w: number, h: number): FrameRect {
  if (!region) return { x: 0, y: 0, width: w, height: h };
  const x = Math.max(0, Math.min(w - 1, Math.floor(region.x)));
  const y = Math.max(0, Math.min(h - 1, Math.floor(region.y)));
  const width = Math.max(1, Math.min(w - x, Math.ceil(region.width)));
  const height = Math.max(1, Math.min(h - y, Math.ceil(region.height)));
  return { x, y, width, height };
}

/** 8-bit YUV formats whose first plane is full-resolution luma. */
const LUMA_FORMATS = new Set(['I420', 'I420A', 'I422', 'I422A', 'I444', 'I444A', 'NV12']);

/**
 * Area-average downscale of one 8-bit plane (`stride` bytes per row from `offset`) to `ow × oh`.
 * Each output pixel is the mean of the source block it covers.
 * @internal
 */
export function downscalePlane(
  src: Uint8Array,
  offset: number,
  stride: number,
  sw: number,
  sh: number,
  ow: number,
  oh: number,
): Uint8Array {
  const out = new Uint8Array(ow * oh);
  if (ow === sw && oh === sh) {
    for (let y = 0; y < sh; y++) out.set(src.subarray(offset + y * stride, offset + y * stride + sw), y * ow);
    return out;
  }
  const xb = new Int32Array(ow + 1);
  for (let i = 0; i <= ow; i++) xb[i] = Math.min(sw, Math.floor((i * sw) / ow));
  const acc = new Uint32Array(sw);
  for (let j = 0; j < oh; j++) {
    const y0 = Math.floor((j * sh) / oh);
    const y1 = Math.max(y0 + 1, Math.min(sh, Math.floor(((j + 1) * sh) / oh)));
    acc.fill(0);
    for (let y = y0; y < y1; y++) {
      const row = offset + y * stride;
      for (let x = 0; x < sw; x++) acc[x] = (acc[x] as number) + (src[row + x] as number);
    }
    const rows = y1 - y0;
    for (let i = 0; i < ow; i++) {
      const x0 = xb[i] as number;
      const x1 = Math.max(x0 + 1, xb[i + 1] as number);
      let s = 0;
      for (let x = x0; x < x1; x++) s += acc[x] as number;
      out[j * ow + i] = Math.round(s / ((x1 - x0) * rows));
    }
  }
  return out;
}

/**
 * The luma plane of `region` of a YUV `VideoFrame`, downscaled to `w × h`; null when the frame is not
 * an 8-bit YUV frame whose display size equals its visible size (then the canvas path applies).
 */
async function lumaPixels(frame: FrameSource, region: FrameRect, w: number, h: number): Promise<GrayImage | null> {
  if (!('format' in frame) || !frame.format || !LUMA_FORMATS.has(frame.format)) return null;
  const visible = frame.visibleRect;
  if (!visible || visible.width !== frame.displayWidth || visible.height !== frame.displayHeight) return null;
  const turned = frame as VideoFrame & { rotation?: number; flip?: boolean };
  if (turned.rotation || turned.flip) return null;
  // Chroma subsampling needs an even-aligned rect; widen by at most one pixel on each side.
  const x0 = region.x & ~1;
  const y0 = region.y & ~1;
  const x1 = Math.min(visible.width, (region.x + region.width + 1) & ~1);
  const y1 = Math.min(visible.height, (region.y + region.height + 1) & ~1);
  const rect = { x: visible.x + x0, y: visible.y + y0, width: x1 - x0, height: y1 - y0 };
  if (rect.width < 2 || rect.height < 2) return null;
  const buffer = new Uint8Array(frame.allocationSize({ rect }));
  const layout = await frame.copyTo(buffer, { rect });
  const plane = layout[0];
  if (!plane) return null;
  const dx = region.x - x0;
  const dy = region.y - y0;
  return { width: w, height: h, data: downscalePlane(buffer, plane.offset + dy * plane.stride + dx, plane.stride, region.width, region.height, w, h) };
}

/**
 * A view of the `left..right × top..bottom` box (frame pixels) of an upright YUV `VideoFrame`: a new
 * `VideoFrame` over the same pixels (no copy) whose visible rect is the box widened to even
 * coordinates (chroma samples), and where the box starts inside it. Drawing it converts only the box
 * to RGB, natively: no JavaScript pixel loop (which runs unoptimised on a cold worker) and no
 * conversion of the whole frame. Null where the browser refuses the view. The caller closes it.
 */
function bandView(frame: VideoFrame, left: number, top: number, right: number, bottom: number): { view: VideoFrame; dx: number; dy: number } | null {
  const visible = frame.visibleRect;
  if (!visible) return null;
  const x0 = left & ~1;
  const y0 = top & ~1;
  const x1 = Math.min(visible.width, (right + 1) & ~1);
  const y1 = Math.min(visible.height, (bottom + 1) & ~1);
  try {
    const view = new VideoFrame(frame, { visibleRect: { x: visible.x + x0, y: visible.y + y0, width: x1 - x0, height: y1 - y0 } });
    return { view, dx: left - x0, dy: top - y0 };
  } catch {
    return null;
  }
}

/**
 * JPEG of the band (its corners padded a little) from `source`; for an upright YUV camera frame
 * (`yuv`), through {@link bandView}, so only the band is converted.
 */
async function cropBand(source: CanvasImageSource, corners: readonly Point[], limitW: number, limitH: number, yuv = false): Promise<Blob | null> {
  const { left: sx, top: sy, right: ex, bottom: ey } = paddedBox(corners, 0.03, 0.15, limitW, limitH);
  if (ex - sx < 2 || ey - sy < 2) return null;
  const out = new OffscreenCanvas(ex - sx, ey - sy);
  const ctx = out.getContext('2d');
  if (!ctx) return null;
  const band = yuv && typeof VideoFrame === 'function' && source instanceof VideoFrame ? bandView(source, sx, sy, ex, ey) : null;
  if (band) {
    try {
      ctx.drawImage(band.view, -band.dx, -band.dy);
    } finally {
      band.view.close();
    }
  } else ctx.drawImage(source, sx, sy, ex - sx, ey - sy, 0, 0, ex - sx, ey - sy);
  return out.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
}

/** Width of a frame response's `thumbnail`. */
export const THUMBNAIL_WIDTH = 32;
/** Height of a frame response's `thumbnail`. */
export const THUMBNAIL_HEIGHT = 18;

/** The image area-averaged to THUMBNAIL_WIDTH x THUMBNAIL_HEIGHT grey levels. @internal */
export function thumbnailOf(image: GrayImage | RgbaImage): Uint8Array {
  const { width, height, data } = image;
  let plane: Uint8Array;
  if (data.length === width * height) plane = data instanceof Uint8Array ? data : new Uint8Array(data);
  else {
    plane = new Uint8Array(width * height);
    for (let i = 0, j = 0; i < plane.length; i++, j += 4) plane[i] = ((data[j] as number) * 77 + (data[j + 1] as number) * 150 + (data[j + 2] as number) * 29) >> 8;
  }
  return downscalePlane(plane, 0, width, width, height, THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT);
}

/**
 * Mean grey-level change between two frames' thumbnails above which the picture is moving. A
 * passport held still with a camera's jitter of a few pixels changes them by up to 1.8; one sliding
 * into place at 7 px a frame or more (1280 px wide), by 3.2 or more between frames 100 ms apart
 * (`test/e2e/scanner-clip.ts` clips). Slower, it is nearly at rest and its frames read.
 */
export const MOTION_LEVEL = 3;

/** Mean absolute difference of two thumbnails (Infinity when their sizes differ). */
function thumbnailChange(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length || a.length === 0) return Infinity;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
}

/** The request's time budget, unless the picture holds still since `previousThumbnail` (see FrameReadOptions). */
function budgetFor(request: FrameReadOptions, thumbnail: Uint8Array | undefined): number | undefined {
  const still = request.previousThumbnail !== undefined && thumbnail !== undefined && thumbnailChange(request.previousThumbnail, thumbnail) <= MOTION_LEVEL;
  return still ? undefined : request.budgetMs;
}

function engineOptions(request: FrameReadOptions, budgetMs: number | undefined, onSighting: (s: MrzSighting) => void): Parameters<ReadMrzFunction>[1] {
  return {
    ...(request.formats ? { formats: request.formats } : {}),
    ...(request.allowSpecimen ? { allowSpecimen: true } : {}),
    ...(budgetMs !== undefined ? { budgetMs } : {}),
    onSighting,
  };
}

/** The four corners through `map` (image to frame coordinates). */
function mapCorners(corners: readonly [Point, Point, Point, Point], map: (p: Point) => Point): [Point, Point, Point, Point] {
  const [a, b, c, d] = corners;
  return [map(a), map(b), map(c), map(d)];
}

/**
 * Reads one frame with `readMrz`. Closes `request.frame`. Never throws for "nothing found" (returns
 * `result: null`); rethrows engine exceptions.
 */
export async function processFrame(
  request: FrameReadOptions & { readonly frame: FrameSource },
  readMrz: ReadMrzFunction,
): Promise<FrameReadResponse> {
  const t0 = now();
  const frame = request.frame;
  const { width: frameWidth, height: frameHeight } = frameSize(frame);
  const region = clampRegion(request.region, frameWidth, frameHeight);
  const maxSide = request.maxSide ?? 2400;
  const scale = Math.min(1, maxSide / Math.max(region.width, region.height));
  const w = Math.max(1, Math.round(region.width * scale));
  const h = Math.max(1, Math.round(region.height * scale));
  let decode = 0;
  let engine = 0;
  let found: MrzImageResult | null = null;
  let sighting: MrzSighting | undefined;
  let band: Blob | null = null;
  let thumbnail: Uint8Array | undefined;
  const wantThumbnail = request.thumbnail === true || request.previousThumbnail !== undefined;
  let budget = request.budgetMs;
  try {
    // Fast path: upright camera frames in YUV.
    const td = now();
    const luma = request.rotations ? null : await lumaPixels(frame, region, w, h);
    decode += now() - td;
    if (luma) {
      if (wantThumbnail) thumbnail = thumbnailOf(luma);
      budget = budgetFor(request, thumbnail);
      const te = now();
      let seen: MrzSighting | undefined;
      const result = await readMrz(luma, engineOptions(request, budget, (s) => (seen = s)));
      engine += now() - te;
      const sx = region.width / w;
      const sy = region.height / h;
      const map = (p: Point): Point => ({ x: region.x + p.x * sx, y: region.y + p.y * sy });
      if (seen) sighting = { ...seen, corners: mapCorners(seen.corners, map) };
      if (result) {
        found = { ...result, corners: mapCorners(result.corners, map) };
        if (request.cropBand && found.valid) band = await cropBand(frame as VideoFrame, found.corners, frameWidth, frameHeight, true);
      }
    } else {
      for (const q of request.rotations ? [0, 1, 2, 3] : [0]) {
        const tq = now();
        const cw = q % 2 === 1 ? h : w;
        const ch = q % 2 === 1 ? w : h;
        const canvas = new OffscreenCanvas(cw, ch);
        const ctx = canvas.getContext('2d', { willReadFrequently: true });
        if (!ctx) throw new Error('OffscreenCanvas 2d context unavailable');
        // frame -> canvas: rotate about the canvas centre, scale, then shift the region to the origin.
        ctx.translate(cw / 2, ch / 2);
        ctx.rotate((q * Math.PI) / 2);
        ctx.translate(-w / 2, -h / 2);
        ctx.scale(scale, scale);
        ctx.translate(-region.x, -region.y);
        const inverse = ctx.getTransform().inverse();
        ctx.drawImage(frame, 0, 0);
        const pixels = ctx.getImageData(0, 0, cw, ch);
        if (wantThumbnail && q === 0) {
          thumbnail = thumbnailOf({ width: cw, height: ch, data: pixels.data });
          budget = budgetFor(request, thumbnail);
        }
        decode += now() - tq;
        const te = now();
        let seen: MrzSighting | undefined;
        const result = await readMrz({ width: cw, height: ch, data: pixels.data }, engineOptions(request, budget, (s) => (seen = s)));
        engine += now() - te;
        const map = (p: Point): Point => {
          const r = inverse.transformPoint(new DOMPoint(p.x, p.y));
          return { x: r.x, y: r.y };
        };
        // The orientation that saw the MRZ best (the one a kept invalid result came from, whose
        // confidence is at least the report bar, over an earlier one's weaker sighting).
        if (seen && (!sighting || seen.confidence > sighting.confidence)) sighting = { ...seen, corners: mapCorners(seen.corners, map) };
        if (result) {
          if (request.cropBand && result.valid) band = await cropBand(canvas, result.corners, cw, ch);
          found = { ...result, corners: mapCorners(result.corners, map) };
          break;
        }
      }
    }
  } finally {
    frame.close();
  }
  const timings = { decode, engine, total: now() - t0 };
  return {
    result: found,
    band,
    frameWidth,
    frameHeight,
    timings,
    ...(budget !== undefined && engine > budget && !found?.valid ? { outOfTime: true } : {}),
    ...(sighting && !found?.valid ? { sighting } : {}),
    ...(thumbnail ? { thumbnail } : {}),
  };
}

/**
 * The warm-up frame: the stored MRZ image (ICAO 9303's TD3 specimen in OCR-B, 16 px per character,
 * `worker-warm-up.ts`) area-averaged to 3/4 size by {@link downscalePlane}, as a camera frame's luma
 * plane is: a greyscale, anti-aliased 576x72 band at 12 px per character. @internal
 */
export function warmUpFrame(coded: WarmUpImage = WARM_UP_IMAGE): GrayImage {
  const stored = decodeWarmUpImage(coded);
  const width = Math.round(stored.width * 0.75);
  const height = Math.round(stored.height * 0.75);
  return { width, height, data: downscalePlane(stored.data, 0, stored.width, stored.width, stored.height, width, height) };
}

/**
 * One warm-up step: `band`, the engine alone on the stored MRZ image (`warmUpFrame()`); `frame`, a
 * camera-sized frame holding that MRZ (`warmUpVideoFrame()`) through {@link processFrame} as the scanner's first frame
 * goes (luma copy and downscale, whole-frame locate, band crop and JPEG encode); `region`, the same
 * frame read only around the MRZ the last `frame` step found, as the scanner's confirming frame goes.
 * Without WebCodecs, `frame` and `region` read the band instead.
 */
export type WarmUpStep = 'band' | 'frame' | 'region';

/**
 * The worker's warm-up: the band twice first (short steps, which compile and optimise every stage, so
 * a camera frame arriving early waits little), then the camera paths on a camera-sized frame: whole
 * frame, then around the MRZ found.
 */
export const WARM_UP_STEPS: readonly WarmUpStep[] = ['band', 'band', 'frame', 'region'];

/** Longest side of the warm-up frame's read: the scanner's default (`maxFrameSide`). */
const WARM_UP_READ_SIDE = 960;

/**
 * A 1280x720 I420 `VideoFrame` (what cameras deliver): paper grey with the stored MRZ image at 1:1 in
 * its lower part, so a read at {@link WARM_UP_READ_SIDE} sees the band at 12 px per character like
 * {@link warmUpFrame}. Null without WebCodecs. The caller closes it. @internal
 */
export function warmUpVideoFrame(coded: WarmUpImage = WARM_UP_IMAGE, width = 1280, height = 720): VideoFrame | null {
  if (typeof VideoFrame !== 'function') return null;
  const stored = decodeWarmUpImage(coded);
  const data = new Uint8Array(width * height * 1.5).fill(128);
  data.fill(200, 0, width * height);
  const x0 = (width - stored.width) >> 1;
  const y0 = Math.round(height * 0.72);
  for (let y = 0; y < stored.height; y++) {
    for (let x = 0; x < stored.width; x++) data[(y0 + y) * width + x0 + x] = 40 + Math.round(((stored.data[y * stored.width + x] as number) * 160) / 255);
  }
  return new VideoFrame(data, { format: 'I420', codedWidth: width, codedHeight: height, timestamp: 0 });
}

/**
 * Runs the warm-up `steps` ({@link WARM_UP_STEPS}), so the whole path of a camera read (luma copy and
 * downscale, locate, rectify, segment, classify, check digits, parse, band crop) is compiled and
 * optimised before the first camera frame. A valid read stops the engine early, so no fallback path
 * is taken. Before each step it yields to the event loop and stops as soon as `interrupted()` says a
 * real request is waiting, so a frame waits at most for the step in progress. Returns the number of
 * steps done.
 */
export async function warmUpEngine(readMrz: ReadMrzFunction, interrupted: () => boolean, steps: readonly WarmUpStep[] = WARM_UP_STEPS): Promise<number> {
  let done = 0;
  let corners: readonly Point[] | null = null;
  for (const step of steps) {
    await new Promise((r) => setTimeout(r, 0));
    if (interrupted()) break;
    const frame = step === 'band' ? null : warmUpVideoFrame();
    if (frame) {
      const region = step === 'region' && corners ? trackingRegion(corners, frame.displayWidth, frame.displayHeight) : undefined;
      // The pixel copy yields to the event loop: a request that arrived meanwhile skips the engine run.
      let skipped = false;
      const engine: ReadMrzFunction = (image, options) => {
        skipped = interrupted();
        return skipped ? null : readMrz(image, options);
      };
      const read = await processFrame({ frame, maxSide: WARM_UP_READ_SIDE, cropBand: true, ...(region ? { region } : {}) }, engine);
      if (skipped) break;
      if (step === 'frame') corners = read.result?.corners ?? null;
    } else await readMrz(warmUpFrame(), {});
    done++;
  }
  return done;
}

/**
 * The classifier's warm-up, in short slices: decode the shipped model, then classify `rounds` batches
 * of `glyphs` synthetic glyph rasters (strokes on paper), yielding to the event loop before each and
 * stopping as soon as `interrupted()` says a frame waits. On a cold worker the classifier is the first
 * read's largest cost and allocator (unoptimised float arithmetic boxes every product, and the
 * garbage collections follow); these slices get it compiled and optimised while a scan's camera is
 * still opening, which {@link warmUpEngine}'s whole-pipeline steps are too long to do without
 * delaying the first frame. Returns the batches classified.
 */
export async function warmUpClassifier(interrupted: () => boolean, rounds = 8, glyphs = 16): Promise<number> {
  await new Promise((r) => setTimeout(r, 0));
  if (interrupted()) return 0;
  shippedModel();
  const size = GLYPH_W * GLYPH_H;
  const batch = new Float32Array(glyphs * size);
  for (let g = 0; g < glyphs; g++) {
    for (let i = 0; i < size; i++) {
      const x = i % GLYPH_W;
      const y = (i - x) / GLYPH_W;
      // A different stroke pattern per glyph: columns, rows and a diagonal, each drawn or not.
      const ink = (g & 1 && x % 5 === 2) || (g & 2 && y % 7 === 3) || (g & 4 && Math.abs(x - (y * GLYPH_W) / GLYPH_H) < 1.5);
      batch[g * size + i] = ink ? 0.9 : 0.04;
    }
  }
  let done = 0;
  for (; done < rounds; done++) {
    await new Promise((r) => setTimeout(r, 0));
    if (interrupted()) break;
    classifyGlyphs(batch, glyphs);
  }
  return done;
}
