/**
 * Worker-side frame handling: frame (`VideoFrame` or `ImageBitmap`) → optional region crop, downscale and quarter
 * turn on an `OffscreenCanvas` → RGBA pixels → the MRZ engine → corners mapped back to full-frame
 * coordinates, plus an upright JPEG crop of the band. Kept apart from the worker entry so it can be
 * tested on the main thread with any engine function.
 * @module
 */
import type { MrzFormat, MrzImageResult, Point, RgbaImage } from '../mrz/types.ts';
import { frameSize, type FrameReadResponse, type FrameRect, type FrameSource } from './frame-reader.ts';

/** The engine entry the worker calls (`readMrz` from sdk/mrz). May be sync or async. */
export type ReadMrzFunction = (
  image: RgbaImage,
  options: { formats?: readonly MrzFormat[]; allowSpecimen?: boolean },
) => MrzImageResult | null | Promise<MrzImageResult | null>;

/** Message main thread → worker. */
export interface FrameWorkerRequest {
  readonly id: number;
  readonly frame: FrameSource;
  readonly region?: FrameRect;
  readonly formats?: readonly MrzFormat[];
  readonly rotations?: boolean;
  readonly cropBand?: boolean;
  readonly allowSpecimen?: boolean;
  /** Longest side the engine gets (frames above are downscaled). Default 2400. */
  readonly maxSide?: number;
}

/** Message worker → main thread. */
export type FrameWorkerResponse =
  | ({ readonly id: number; readonly ok: true } & FrameReadResponse)
  | { readonly id: number; readonly ok: false; readonly error: string };

const now = (): number => performance.now();

function clampRegion(region: FrameRect | undefined, w: number, h: number): FrameRect {
  if (!region) return { x: 0, y: 0, width: w, height: h };
  const x = Math.max(0, Math.min(w - 1, Math.floor(region.x)));
  const y = Math.max(0, Math.min(h - 1, Math.floor(region.y)));
  const width = Math.max(1, Math.min(w - x, Math.ceil(region.width)));
  const height = Math.max(1, Math.min(h - y, Math.ceil(region.height)));
  return { x, y, width, height };
}

/** Maps engine corners (canvas coordinates) back to frame coordinates through `inverse`. */
function mapCorners(result: MrzImageResult, inverse: DOMMatrix): MrzImageResult {
  const map = (p: Point): Point => {
    const q = inverse.transformPoint(new DOMPoint(p.x, p.y));
    return { x: q.x, y: q.y };
  };
  const [a, b, c, d] = result.corners;
  return { ...result, corners: [map(a), map(b), map(c), map(d)] };
}

async function cropBand(canvas: OffscreenCanvas, corners: readonly Point[]): Promise<Blob | null> {
  const xs = corners.map((p) => p.x);
  const ys = corners.map((p) => p.y);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const y0 = Math.min(...ys);
  const y1 = Math.max(...ys);
  const padX = (x1 - x0) * 0.03;
  const padY = (y1 - y0) * 0.15;
  const sx = Math.max(0, Math.floor(x0 - padX));
  const sy = Math.max(0, Math.floor(y0 - padY));
  const ex = Math.min(canvas.width, Math.ceil(x1 + padX));
  const ey = Math.min(canvas.height, Math.ceil(y1 + padY));
  if (ex - sx < 2 || ey - sy < 2) return null;
  const out = new OffscreenCanvas(ex - sx, ey - sy);
  const ctx = out.getContext('2d');
  if (!ctx) return null;
  ctx.drawImage(canvas, sx, sy, ex - sx, ey - sy, 0, 0, ex - sx, ey - sy);
  return out.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
}

/**
 * Reads one frame with `readMrz`. Closes `request.frame`. Never throws for "nothing found" (returns
 * `result: null`); rethrows engine exceptions.
 */
export async function processFrame(
  request: Omit<FrameWorkerRequest, 'id'>,
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
  const turns = request.rotations ? [0, 1, 2, 3] : [0];
  let decode = 0;
  let engine = 0;
  let found: MrzImageResult | null = null;
  let band: Blob | null = null;
  try {
    for (const q of turns) {
      const td = now();
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
      decode += now() - td;
      const te = now();
      const result = await readMrz(
        { width: cw, height: ch, data: pixels.data },
        { ...(request.formats ? { formats: request.formats } : {}), ...(request.allowSpecimen ? { allowSpecimen: true } : {}) },
      );
      engine += now() - te;
      if (result) {
        if (request.cropBand) band = await cropBand(canvas, result.corners);
        found = mapCorners(result, inverse);
        break;
      }
    }
  } finally {
    frame.close();
  }
  return {
    result: found,
    band,
    frameWidth,
    frameHeight,
    timings: { decode, engine, total: now() - t0 },
  };
}
