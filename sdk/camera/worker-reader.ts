/**
 * Main-thread side of the camera's frame reading: a {@link FrameReader} over the kit's one MRZ
 * worker (`sdk/mrz/worker.ts` through {@link createMrzWorkerClient}). Each frame (`VideoFrame` or
 * `ImageBitmap`) is transferred; the worker makes the pixels, so the main thread never copies any.
 * Where the browser allows it, a camera track is read in the worker itself ({@link FrameReader.openTrack}).
 * @module
 */
import { CameraError } from './errors.ts';
import type { FrameReader, FrameReadOptions, FrameReadRequest, FrameReadResponse } from './frame-reader.ts';
import { createMrzWorkerClient, MrzWorkerError, type MrzWorkerClient, type MrzWorkerLike, type MrzWorkerTrack } from '../mrz/worker-client.ts';

/** Default {@link WorkerFrameReaderOptions.warmUpDelay}. */
const WARM_UP_DELAY_MS = 500;

/** Options of {@link createWorkerFrameReader}. */
export interface WorkerFrameReaderOptions {
  /** Share this MRZ worker client (the reader then never terminates it). Default: a client of its own. */
  client?: MrzWorkerClient;
  /** A worker running `sdk/mrz/worker.ts` (or compatible) for a client of its own. Default: a new module worker. */
  worker?: MrzWorkerLike;
  /** Longest side handed to the engine; larger frames are downscaled in the worker. Default 2400. */
  maxSide?: number;
  /**
   * Milliseconds the worker waits, once loaded, before `prepare()`'s warm-up starts (default 500): a
   * scan starting meanwhile (`beginScan()`, e.g. an autostarted scanner) skips the warm-up and reads
   * its first camera frame at once.
   */
  warmUpDelay?: number;
}

/**
 * A {@link FrameReader} backed by the MRZ Web Worker. Frames are transferred, so the caller must not
 * use a frame after handing it over. The worker starts when the reader is created; `prepare()` warms
 * the engine up unless a scan starts first (`beginScan()`).
 *
 * @example
 * ```ts
 * const reader = createWorkerFrameReader();
 * void reader.prepare?.();
 * const { result } = await reader.read({ frame: new VideoFrame(video) });
 * reader.dispose();
 * ```
 * @throws {CameraError} `unsupported` when Web Workers are not available.
 */
export function createWorkerFrameReader(options: WorkerFrameReaderOptions = {}): FrameReader {
  let client: MrzWorkerClient;
  try {
    client = options.client ?? createMrzWorkerClient(options.worker ? { worker: options.worker } : {});
  } catch (error) {
    throw new CameraError('unsupported', 'Web Workers are not available', { cause: error });
  }
  const owned = !options.client;
  let disposed = false;
  const tracks = new Set<MrzWorkerTrack>();
  const toError = (error: unknown): Error =>
    error instanceof MrzWorkerError && error.code === 'worker-crashed'
      ? new CameraError('unsupported', `frame worker failed: ${error.message}`, { cause: error })
      : error instanceof Error
        ? error
        : new Error(String(error));

  const withMaxSide = <T extends FrameReadOptions>(request: T): T => {
    const maxSide = request.maxSide ?? options.maxSide;
    return maxSide ? { ...request, maxSide } : request;
  };

  return {
    async read(request: FrameReadRequest): Promise<FrameReadResponse> {
      if (disposed) {
        request.frame.close();
        throw new Error('frame reader disposed');
      }
      try {
        return await client.readFrame(withMaxSide(request));
      } catch (error) {
        throw toError(error);
      }
    },
    async prepare(): Promise<void> {
      if (disposed) return;
      await client.warmUp({ delay: options.warmUpDelay ?? WARM_UP_DELAY_MS }).catch(() => 0);
    },
    beginScan(): void {
      if (!disposed) client.stopWarmUp();
    },
    openTrack(track: MediaStreamTrack): MrzWorkerTrack | null {
      const inner = disposed ? null : client.openTrack(track);
      if (!inner) return null;
      const handle: MrzWorkerTrack = {
        async read(request) {
          try {
            return await inner.read(withMaxSide(request ?? {}));
          } catch (error) {
            throw toError(error);
          }
        },
        close() {
          tracks.delete(handle);
          inner.close();
        },
        get closed() {
          return inner.closed;
        },
      };
      tracks.add(handle);
      return handle;
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      for (const t of [...tracks]) t.close();
      if (owned) client.terminate();
    },
  };
}
