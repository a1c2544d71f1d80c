/**
 * The MRZ Web Worker entry: the one worker of the kit. Pixel requests (`read`, `recognize`), camera
 * and photo frames (`frame`: a transferred `VideoFrame` or `ImageBitmap`, turned into pixels here)
 * and `warm-up` all arrive here; the protocol is in `worker-protocol.ts`. Start it through
 * {@link createMrzWorkerClient} (`worker-client.ts`), which keeps the literal
 * `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })` bundlers compile.
 * One response per request; nothing is thrown out of the worker.
 * @module
 */

import { readMrz } from './engine.ts';
import { processFrame, warmUpEngine, type ReadMrzFunction } from './worker-frames.ts';
import { errorResponse, handleMrzRequest, type MrzFrameRequest, type MrzWorkerRequest, type MrzWorkerResponse } from './worker-protocol.ts';

export type { MrzWorkerRequest, MrzWorkerResponse, MrzWorkerImage, MrzWorkerErrorCode } from './worker-protocol.ts';

interface WorkerScopeLike {
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
  postMessage(message: MrzWorkerResponse, transfer?: Transferable[]): void;
}

const engine: ReadMrzFunction = (image, options) => readMrz(image, options.formats ? { formats: options.formats } : {});

/** Requests other than warm-up received so far (a warm-up stops when this moves). */
let received = 0;

async function handle(data: unknown): Promise<MrzWorkerResponse> {
  const message = (data !== null && typeof data === 'object' ? data : {}) as Partial<MrzWorkerRequest>;
  const id = typeof message.id === 'number' ? message.id : -1;
  if (message.kind === 'warm-up') {
    const t0 = performance.now();
    const seen = received;
    let runs = 0;
    try {
      runs = await warmUpEngine(engine, () => received !== seen);
    } catch {
      /* a failed warm-up only costs speed */
    }
    return { id, kind: 'warm-up', runs, ms: performance.now() - t0 };
  }
  received++;
  if (message.kind === 'frame') {
    const { id: _id, kind: _kind, frame, ...options } = message as Partial<MrzFrameRequest>;
    if (!frame || typeof frame.close !== 'function') return errorResponse(id, 'bad-request', 'Expected a VideoFrame or ImageBitmap.');
    try {
      return { id, kind: 'frame', response: await processFrame({ ...options, frame }, engine) };
    } catch (e) {
      return errorResponse(id, 'engine-failure', e instanceof Error ? e.message : 'Engine failure.');
    }
  }
  return handleMrzRequest(data);
}

const scope = globalThis as unknown as Partial<WorkerScopeLike> & { document?: unknown };
// Install only inside a worker (no `document`), so importing this module elsewhere is harmless.
if (typeof scope.document === 'undefined' && typeof scope.addEventListener === 'function' && typeof scope.postMessage === 'function') {
  const s = scope as WorkerScopeLike;
  s.addEventListener('message', (ev) => {
    void handle(ev.data).then((response) => s.postMessage(response));
  });
}
