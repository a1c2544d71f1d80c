/**
 * Main-thread side of the camera's frame reading: a {@link FrameReader} over the kit's one MRZ
 * worker (`sdk/mrz/worker.ts` through {@link createMrzWorkerClient}). Each frame (`VideoFrame` or
 * `ImageBitmap`) is transferred; the worker makes the pixels, so the main thread never copies any.
 * @module
 */
import { CameraError } from './errors.ts';
import type { FrameReader, FrameReadRequest, FrameReadResponse } from './frame-reader.ts';
import { createMrzWorkerClient, MrzWorkerError, type MrzWorkerClient, type MrzWorkerLike } from '../mrz/worker-client.ts';

/** Options of {@link createWorkerFrameReader}. */
export interface WorkerFrameReaderOptions {
  /** Share this MRZ worker client (the reader then never terminates it). Default: a client of its own. */
  client?: MrzWorkerClient;
  /** A worker running `sdk/mrz/worker.ts` (or compatible) for a client of its own. Default: a new module worker. */
  worker?: MrzWorkerLike;
  /** Longest side handed to the engine; larger frames are downscaled in the worker. Default 2400. */
  maxSide?: number;
}

/**
 * A {@link FrameReader} backed by the MRZ Web Worker. Frames are transferred, so the caller must not
 * use a frame after handing it over. The worker starts when the reader is created; `prepare()` warms
 * the engine up.
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
  const toError = (error: unknown): Error =>
    error instanceof MrzWorkerError && error.code === 'worker-crashed'
      ? new CameraError('unsupported', `frame worker failed: ${error.message}`, { cause: error })
      : error instanceof Error
        ? error
        : new Error(String(error));

  return {
    async read(request: FrameReadRequest): Promise<FrameReadResponse> {
      if (disposed) {
        request.frame.close();
        throw new Error('frame reader disposed');
      }
      const maxSide = request.maxSide ?? options.maxSide;
      try {
        return await client.readFrame({ ...request, ...(maxSide ? { maxSide } : {}) });
      } catch (error) {
        throw toError(error);
      }
    },
    async prepare(): Promise<void> {
      if (disposed) return;
      await client.warmUp().catch(() => 0);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      if (owned) client.terminate();
    },
  };
}
