/**
 * The seam between the camera side and the MRZ engine: a {@link FrameReader} takes one frame
 * (a transferable `VideoFrame` or `ImageBitmap`) and answers with the engine's read, or null. The production reader
 * runs the real engine in a Web Worker ({@link createWorkerFrameReader} in `worker-reader.ts`);
 * tests may inject their own.
 * @module
 */
import type { MrzFormat, MrzImageResult } from '../mrz/types.ts';

/** An axis-aligned rectangle in frame pixels. */
export interface FrameRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/**
 * A frame: a WebCodecs `VideoFrame` (zero-copy from the camera where supported) or an `ImageBitmap`
 * (photos, older browsers). Both are transferable and must be closed by whoever ends up owning them.
 */
export type FrameSource = ImageBitmap | VideoFrame;

/** Width × height of a frame source. */
export function frameSize(frame: FrameSource): { width: number; height: number } {
  return 'displayWidth' in frame
    ? { width: frame.displayWidth, height: frame.displayHeight }
    : { width: frame.width, height: frame.height };
}

/** What to do with one frame. */
export interface FrameReadRequest {
  /** The frame. Ownership passes to the reader (it is transferred to the worker and closed there). */
  readonly frame: FrameSource;
  /** Only read inside this part of the frame (e.g. the guide frame plus a margin). Default: all. */
  readonly region?: FrameRect;
  /** Formats to accept. Default: all. */
  readonly formats?: readonly MrzFormat[];
  /** Also try the frame turned by 90°, 180° and 270° when nothing is found upright (photo uploads). */
  readonly rotations?: boolean;
  /** Return a JPEG crop of the MRZ band with a result (encoded in the worker). Default false. */
  readonly cropBand?: boolean;
  /** Accept ICAO specimen documents (`UTO`). Default false. */
  readonly allowSpecimen?: boolean;
  /** Longest side handed to the engine (larger frames are downscaled first). Default: the reader's. */
  readonly maxSide?: number;
}

/** Per-frame timings in milliseconds (worker side). */
export interface FrameReadTimings {
  /** Frame → pixels (OffscreenCanvas draw + getImageData). */
  readonly decode: number;
  /** The engine (`readMrz`), all rotations tried. */
  readonly engine: number;
  /** Whole request inside the worker. */
  readonly total: number;
}

/** The answer for one frame. Corners of `result` are in full-frame coordinates (not the region's). */
export interface FrameReadResponse {
  readonly result: MrzImageResult | null;
  /** JPEG crop of the MRZ band (upright) when requested and found. */
  readonly band: Blob | null;
  /** Frame size (before region cropping). */
  readonly frameWidth: number;
  readonly frameHeight: number;
  readonly timings: FrameReadTimings;
}

/** Reads MRZs from frames. One request at a time is enough: the pump never overlaps requests. */
export interface FrameReader {
  read(request: FrameReadRequest): Promise<FrameReadResponse>;
  /** Releases the worker. Pending reads reject. */
  dispose(): void;
}
