/**
 * Main-thread side of the frame worker: a {@link FrameReader} that transfers each frame
 * (`VideoFrame` or `ImageBitmap`, transferred) to a module Web Worker running the real MRZ engine.
 * @module
 */
import { CameraError } from './errors.ts';
// Imported *as* Worker so vite still sees `new Worker(new URL(...))`; the URL goes through Trusted Types.
import { TrustedWorker as Worker } from '../security/trusted-types.ts';
import type { FrameReader, FrameReadRequest, FrameReadResponse } from './frame-reader.ts';
import type { FrameWorkerRequest, FrameWorkerResponse } from './frame-worker-core.ts';

/** Options of {@link createWorkerFrameReader}. */
export interface WorkerFrameReaderOptions {
  /** A worker running `frame-worker.ts` (or compatible). Default: a new module worker. */
  worker?: Worker;
  /** Longest side handed to the engine; larger frames are downscaled in the worker. Default 2400. */
  maxSide?: number;
}

/** Creates the default module worker (`frame-worker.ts` next to this file). */
export function createFrameWorker(): Worker {
  if (typeof globalThis.Worker === 'undefined') throw new CameraError('unsupported', 'Web Workers are not available');
  return new Worker(new URL('./frame-worker.ts', import.meta.url), { type: 'module', name: 'timpora-mrz-frames' });
}

/**
 * A {@link FrameReader} backed by a Web Worker. Frames are transferred, so the caller must not use a
 * frame after handing it over.
 *
 * @example
 * ```ts
 * const reader = createWorkerFrameReader();
 * const { result } = await reader.read({ frame: await createImageBitmap(video) });
 * reader.dispose();
 * ```
 */
export function createWorkerFrameReader(options: WorkerFrameReaderOptions = {}): FrameReader {
  const worker = options.worker ?? createFrameWorker();
  const pending = new Map<number, { resolve: (r: FrameReadResponse) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let disposed = false;

  const failAll = (error: Error): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };

  worker.addEventListener('message', (event: MessageEvent<FrameWorkerResponse>) => {
    const msg = event.data;
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if (msg.ok) {
      p.resolve({
        result: msg.result,
        band: msg.band,
        frameWidth: msg.frameWidth,
        frameHeight: msg.frameHeight,
        timings: msg.timings,
      });
    } else {
      p.reject(new Error(msg.error));
    }
  });
  worker.addEventListener('error', (event: ErrorEvent) => {
    event.preventDefault();
    failAll(new CameraError('unsupported', `frame worker failed: ${event.message || 'load error'}`));
  });

  return {
    read(request: FrameReadRequest): Promise<FrameReadResponse> {
      if (disposed) {
        request.frame.close();
        return Promise.reject(new Error('frame reader disposed'));
      }
      const id = nextId++;
      const message: FrameWorkerRequest = {
        id,
        frame: request.frame,
        ...(request.region ? { region: request.region } : {}),
        ...(request.formats ? { formats: [...request.formats] } : {}),
        ...(request.rotations ? { rotations: true } : {}),
        ...(request.cropBand ? { cropBand: true } : {}),
        ...(request.allowSpecimen ? { allowSpecimen: true } : {}),
        ...(request.maxSide ?? options.maxSide ? { maxSide: request.maxSide ?? options.maxSide } : {}),
      };
      return new Promise<FrameReadResponse>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage(message, [request.frame]);
      });
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      worker.terminate();
      failAll(new Error('frame reader disposed'));
    },
  };
}
