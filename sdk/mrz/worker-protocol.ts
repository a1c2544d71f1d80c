/**
 * Message protocol of the one MRZ Web Worker (`worker.ts`) and its pure pixel-request handler.
 *
 * Every request carries a caller-chosen `id` that its single response echoes; nothing is ever thrown
 * out of the worker (failures are `kind: 'error'` responses with a stable code).
 *
 * | request `kind`         | payload (transferable)                     | response `kind`  |
 * | ---------------------- | ------------------------------------------ | ---------------- |
 * | `'read'` (default)     | `image: { width, height, data }` pixels    | `'read'`         |
 * | `'recognize'`          | same                                       | `'recognize'`    |
 * | `'frame'`              | `frame: VideoFrame \| ImageBitmap` + crop, scale, rotations | `'frame'` |
 * | `'warm-up'`            | optional `delay` (ms before the first step) | `'warm-up'`      |
 * | `'warm-up-stop'`       | none                                       | `'warm-up-stop'` |
 * | `'track-open'`         | `readable`: a camera track's frame stream  | `'track'`        |
 * | `'track-frame'`        | `stream` id + crop, scale                  | `'frame'`        |
 * | `'track-close'`        | `stream` id                                | `'track'`        |
 *
 * `'read'` answers the corrected, parsed result; `'recognize'` the raw classifier alternatives per
 * hypothesis (for `MrzVoter` across video frames). Pixel `data` is RGBA (4 bytes per pixel, like
 * `ImageData.data`) or greyscale (1 byte per pixel), as an `ArrayBuffer`, `Uint8Array` or
 * `Uint8ClampedArray`. `'frame'` is the camera path: the worker turns the frame into pixels itself
 * (the luma plane of a YUV `VideoFrame`, else an `OffscreenCanvas`), so the main thread never
 * touches pixels. `'warm-up'` reads a stored image of a valid MRZ, alone and inside a camera-sized frame
 * (`WARM_UP_STEPS` in `worker-frames.ts`), so the first camera frame is read by optimised code; a real
 * request arriving meanwhile cuts it short. `'warm-up-stop'` (a scan is starting: camera frames follow)
 * cancels a warm-up still waiting out its `delay` and the steps after the one running: a synthetic
 * step the first camera frame has to wait for costs that frame more than it saves it.
 *
 * The `'track-*'` requests read a live camera off the main thread: the page hands over the
 * `ReadableStream` of a `MediaStreamTrackProcessor` (Chromium: tracks themselves cannot be transferred
 * yet, but a transferred processor stream delivers its frames straight to the worker), then asks for
 * one frame at a time; the worker takes the newest frame the camera delivered (older ones are dropped
 * by the processor, never queued) and answers like `'frame'`.
 *
 * ```ts
 * { id: 7, kind: 'read', image: { width, height, data }, options: { rotations: false } }
 * { id: 7, kind: 'read', result: MrzImageResult | null, timings }
 * { id: 8, kind: 'frame', frame, maxSide: 960, cropBand: true }
 * { id: 8, kind: 'frame', response: { result, band, frameWidth, frameHeight, timings } }
 * { id: 9, kind: 'error', error: { code: 'bad-request' | 'engine-failure', message }, timings }
 * ```
 * @module
 */

import { readMrz, recognizeMrz, type MrzRecognition, type MrzSighting, type ReadMrzOptions } from './engine.ts';
import type { MrzFormat, MrzImageResult, MrzTimings } from './types.ts';

/** Image payload of a pixel request. */
export interface MrzWorkerImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** RGBA (4 bytes per pixel) or greyscale (1 byte per pixel), row-major. */
  readonly data: ArrayBuffer | Uint8Array | Uint8ClampedArray;
}

/** An axis-aligned rectangle in frame pixels. */
export interface FrameRect {
  /** Left edge. */
  readonly x: number;
  /** Top edge. */
  readonly y: number;
  /** Width. */
  readonly width: number;
  /** Height. */
  readonly height: number;
}

/**
 * A frame: a WebCodecs `VideoFrame` (zero-copy from the camera where supported) or an `ImageBitmap`
 * (photos, older browsers). Both are transferable and must be closed by whoever ends up owning them.
 */
export type FrameSource = ImageBitmap | VideoFrame;

/** What to do with one frame (everything but the frame is optional). */
export interface FrameReadOptions {
  /** Only read inside this part of the frame (e.g. the guide frame plus a margin). Default: all. */
  readonly region?: FrameRect;
  /** Formats to accept. Default: all. */
  readonly formats?: readonly MrzFormat[];
  /** Also try the frame turned by 90°, 180° and 270° when nothing is found upright (photo uploads). */
  readonly rotations?: boolean;
  /** Return a JPEG crop of the MRZ band with a valid result (encoded in the worker). Default false. */
  readonly cropBand?: boolean;
  /** Accept ICAO specimen documents (`UTO`). Default false. */
  readonly allowSpecimen?: boolean;
  /** Longest side handed to the engine (larger frames are downscaled first). Default 2400. */
  readonly maxSide?: number;
  /** Camera frames: milliseconds after which the engine gives the frame up (`ReadMrzOptions.budgetMs`). Default: no limit. */
  readonly budgetMs?: number;
  /** Also answer a greyscale thumbnail of the region read (`FrameReadResponse.thumbnail`). Default false. */
  readonly thumbnail?: boolean;
  /**
   * With `budgetMs`: the previous frame's `thumbnail`. When this frame's differs from it by no more
   * than `MOTION_LEVEL` (worker-frames.ts: the picture holds still), the budget does not apply.
   */
  readonly previousThumbnail?: Uint8Array;
}

/** Per-frame timings in milliseconds (worker side). */
export interface FrameReadTimings {
  /** Frame → pixels (luma plane copy or canvas draw, crop and downscale). */
  readonly decode: number;
  /** The engine (`readMrz`), all rotations tried. */
  readonly engine: number;
  /** Whole request inside the worker. */
  readonly total: number;
  /** `'track-frame'` only: milliseconds the worker waited for the camera's next frame (included in `total`). */
  readonly wait?: number;
}

/** The answer for one frame. Corners of `result` are in full-frame coordinates (not the region's). */
export interface FrameReadResponse {
  /** The engine's read (possibly `valid: false`), or null when no MRZ was found. */
  readonly result: MrzImageResult | null;
  /** JPEG crop of the MRZ band (upright) when requested and the read is valid. */
  readonly band: Blob | null;
  /** Frame width before region cropping. */
  readonly frameWidth: number;
  /** Frame height before region cropping. */
  readonly frameHeight: number;
  /** Where the time went. */
  readonly timings: FrameReadTimings;
  /** The engine ran past `budgetMs` without a valid read: it gave the frame up (looks were left). */
  readonly outOfTime?: boolean;
  /**
   * No valid read, but an MRZ in view (`ReadMrzOptions.onSighting`), corners in full-frame coordinates:
   * the scanner asks for the document closer when its characters are too small (`pitch`, in the pixels
   * the engine read them at, after any downscale), and to hold it still when its print is blurred (`blur`,
   * measured on the frame read: the same ratio in full-frame terms).
   */
  readonly sighting?: MrzSighting;
  /**
   * With `thumbnail`: the region read, area-averaged to `THUMBNAIL_WIDTH` x `THUMBNAIL_HEIGHT` grey
   * levels (row-major; worker-frames.ts), to tell a moving picture from a still one between frames.
   */
  readonly thumbnail?: Uint8Array;
  /** `'track-frame'` only: the `VideoFrame.timestamp` (microseconds, capture clock) of the frame read. */
  readonly frameTimestamp?: number;
}

/** A pixel request (`kind` `'read'`, the default, or `'recognize'`). */
export interface MrzPixelRequest {
  /** Caller-chosen id echoed in the response. */
  readonly id: number;
  /** `'read'` (default) or `'recognize'`. */
  readonly kind?: 'read' | 'recognize';
  /** The pixels. */
  readonly image: MrzWorkerImage;
  /** Engine options. */
  readonly options?: ReadMrzOptions;
}

/** A camera or photo frame request: the worker makes the pixels. The frame is transferred and closed there. */
export interface MrzFrameRequest extends FrameReadOptions {
  /** Caller-chosen id echoed in the response. */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'frame';
  /** The frame (transferred). */
  readonly frame: FrameSource;
}

/** Asks the worker to warm the engine up (load, compile, optimise) before the first frame arrives. */
export interface MrzWarmUpRequest {
  /** Caller-chosen id echoed in the response. */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'warm-up';
  /**
   * Milliseconds to wait before the first step (default 0). Any other request arriving meanwhile (a
   * frame, or `'warm-up-stop'`) cancels the warm-up, so a scan started right after the page loaded
   * reads its first frame at once instead of after a synthetic one.
   */
  readonly delay?: number;
}

/** A scan is starting (camera frames follow): the warm-up stops before its next step. */
export interface MrzWarmUpStopRequest {
  /** Caller-chosen id echoed in the response. */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'warm-up-stop';
}

/** Hands a camera track's frame stream (a `MediaStreamTrackProcessor`'s `readable`, transferred) to the worker. */
export interface MrzTrackOpenRequest {
  /** Caller-chosen id echoed in the response. */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'track-open';
  /** Caller-chosen stream id, used by later `'track-frame'` and `'track-close'` requests. */
  readonly stream: number;
  /** The frames (transferred). */
  readonly readable: ReadableStream<VideoFrame>;
}

/** Reads the next frame of an open stream. */
export interface MrzTrackFrameRequest extends FrameReadOptions {
  /** Caller-chosen id echoed in the response. */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'track-frame';
  /** The stream id given in `'track-open'`. */
  readonly stream: number;
}

/** Stops reading a stream (cancels it; the worker closes its frames). */
export interface MrzTrackCloseRequest {
  /** Caller-chosen id echoed in the response. */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'track-close';
  /** The stream id given in `'track-open'`. */
  readonly stream: number;
}

/** Any request to the MRZ worker. */
export type MrzWorkerRequest =
  | MrzPixelRequest
  | MrzFrameRequest
  | MrzWarmUpRequest
  | MrzWarmUpStopRequest
  | MrzTrackOpenRequest
  | MrzTrackFrameRequest
  | MrzTrackCloseRequest;

/**
 * Stable codes of worker-side failures. `stream-ended`: a `'track-frame'` for a stream that is closed,
 * unknown or whose track ended.
 */
export type MrzWorkerErrorCode = 'bad-request' | 'engine-failure' | 'stream-ended';

/** Answer to a `'read'` request. */
export interface MrzReadResponse {
  /** The request's id. */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'read';
  /** The read, or null when no MRZ was found. */
  readonly result: MrzImageResult | null;
  /** Engine timings. */
  readonly timings: MrzTimings;
}

/** Answer to a `'recognize'` request. */
export interface MrzRecognizeResponse {
  /** The request's id. */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'recognize';
  /** Classifier alternatives of every hypothesis. */
  readonly candidates: readonly MrzRecognition[];
  /** Engine timings. */
  readonly timings: MrzTimings;
}

/** Answer to a `'frame'` request. */
export interface MrzFrameResponse {
  /** The request's id. */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'frame';
  /** The frame's read. */
  readonly response: FrameReadResponse;
}

/** Answer to a `'warm-up'` request. */
export interface MrzWarmUpResponse {
  /** The request's id. */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'warm-up';
  /** Warm-up steps done (0 when cut short by a real request). */
  readonly runs: number;
  /** Milliseconds spent. */
  readonly ms: number;
}

/** Answer to `'warm-up-stop'`. */
export interface MrzWarmUpStopResponse {
  /** The request's id. */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'warm-up-stop';
}

/** Answer to `'track-open'` and `'track-close'`. */
export interface MrzTrackResponse {
  /** The request's id. */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'track';
  /** The stream id. */
  readonly stream: number;
}

/** A failed request. */
export interface MrzErrorResponse {
  /** The request's id (-1 when it had none). */
  readonly id: number;
  /** Discriminant. */
  readonly kind: 'error';
  /** What went wrong. */
  readonly error: {
    /** Stable code. */
    readonly code: MrzWorkerErrorCode;
    /** Developer-facing text (no personal data). */
    readonly message: string;
  };
  /** Zero timings. */
  readonly timings: MrzTimings;
}

/** A response of the MRZ worker (exactly one per request). */
export type MrzWorkerResponse =
  | MrzReadResponse
  | MrzRecognizeResponse
  | MrzFrameResponse
  | MrzWarmUpResponse
  | MrzWarmUpStopResponse
  | MrzTrackResponse
  | MrzErrorResponse;

const ZERO: MrzTimings = { locate: 0, rectify: 0, segment: 0, classify: 0, correct: 0, total: 0 };

/** A `kind: 'error'` response. @internal */
export function errorResponse(id: number, code: MrzWorkerErrorCode, message: string): MrzWorkerResponse {
  return { id, kind: 'error', error: { code, message }, timings: { ...ZERO } };
}

function asBytes(data: unknown): Uint8Array | Uint8ClampedArray | null {
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return null;
}

/**
 * Handles one pixel request message (`'read'` / `'recognize'`), callable from tests and Node without a
 * worker. Never throws: malformed requests and engine failures become `kind: 'error'` responses.
 * Frame, track and warm-up requests need the worker's canvas and are answered by `worker.ts`.
 */
export function handleMrzRequest(message: unknown): MrzWorkerResponse {
  const m = message as Partial<MrzPixelRequest> | null;
  const id = m && typeof m.id === 'number' ? m.id : -1;
  try {
    const img = m?.image;
    const data = img ? asBytes(img.data) : null;
    if (!m || !img || !data || !Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width <= 0 || img.height <= 0) {
      return errorResponse(id, 'bad-request', 'Expected { id, image: { width, height, data } }.');
    }
    const n = img.width * img.height;
    if (data.length !== n && data.length !== n * 4) {
      return errorResponse(id, 'bad-request', 'Image data must hold 1 or 4 bytes per pixel.');
    }
    const image = { width: img.width, height: img.height, data };
    const options = m.options ?? {};
    if (m.kind === 'recognize') {
      const r = recognizeMrz(image, options);
      return { id, kind: 'recognize', candidates: r.candidates, timings: r.timings };
    }
    const result = readMrz(image, options);
    return { id, kind: 'read', result, timings: result ? result.timings : { ...ZERO } };
  } catch (e) {
    return errorResponse(id, 'engine-failure', e instanceof Error ? e.message : 'Engine failure.');
  }
}
