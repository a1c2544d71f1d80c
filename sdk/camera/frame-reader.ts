/**
 * The seam between the camera side and the MRZ engine: a {@link FrameReader} takes one frame
 * (a transferable `VideoFrame` or `ImageBitmap`) and answers with the engine's read, or null. The production reader
 * runs the real engine in the kit's MRZ Web Worker ({@link createWorkerFrameReader} in `worker-reader.ts`);
 * tests may inject their own. The frame types are those of the worker protocol (`sdk/mrz/worker-protocol.ts`).
 * @module
 */
import type { FrameReadOptions, FrameReadResponse, FrameSource } from '../mrz/worker-protocol.ts';
import type { MrzWorkerTrack } from '../mrz/worker-client.ts';

export type { FrameRect, FrameSource, FrameReadOptions, FrameReadResponse, FrameReadTimings } from '../mrz/worker-protocol.ts';
export type { MrzWorkerTrack as TrackFrameReader } from '../mrz/worker-client.ts';
export { frameSize } from '../mrz/worker-frames.ts';

/** What to do with one frame. */
export interface FrameReadRequest extends FrameReadOptions {
  /** The frame. Ownership passes to the reader (it is transferred to the worker and closed there). */
  readonly frame: FrameSource;
}

/** Reads MRZs from frames. One request at a time is enough: the pump never overlaps requests. */
export interface FrameReader {
  /** Reads one frame (and closes it). */
  read(request: FrameReadRequest): Promise<FrameReadResponse>;
  /**
   * Optional: get ready for the first frame while nothing else is going on (start the worker, compile
   * and warm the engine up), e.g. when the scanner's element is connected. Never rejects.
   */
  prepare?(): Promise<void>;
  /**
   * Optional: a scan is starting and camera frames follow shortly. The reader drops whatever part of
   * its warm-up has not begun, so the first frame waits at most for a step already running (a
   * synthetic warm-up step delays the first frame more than it speeds it up). The scanner calls it
   * before it opens the camera.
   */
  beginScan?(): void;
  /**
   * Optional: read a camera track's frames where the reader runs (its worker), so the main thread
   * never handles a frame. Null when the browser cannot (the pump then posts frames from the video).
   */
  openTrack?(track: MediaStreamTrack): MrzWorkerTrack | null;
  /** Releases the worker. Pending reads reject. */
  dispose(): void;
}
