/**
 * Module Web Worker entry of the camera frame reader: receives `VideoFrame`/`ImageBitmap` frames (transferred),
 * runs the MRZ engine (`readMrz` from sdk/mrz) and answers with the result, corners in frame
 * coordinates and a JPEG crop of the band. One message in, one message out; the main thread never
 * sends a second frame before the answer (back-pressure lives in the frame pump).
 * @module
 */
import { readMrz } from '../mrz/engine.ts';
import { processFrame, type FrameWorkerRequest, type FrameWorkerResponse } from './frame-worker-core.ts';

const scope = self as unknown as {
  addEventListener(type: 'message', listener: (event: MessageEvent<FrameWorkerRequest>) => void): void;
  postMessage(message: FrameWorkerResponse): void;
};

scope.addEventListener('message', (event) => {
  const { id, ...request } = event.data;
  processFrame(request, (image, options) => readMrz(image, options.formats ? { formats: options.formats } : {})).then(
    (response) => scope.postMessage({ id, ok: true, ...response }),
    (error: unknown) => scope.postMessage({ id, ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
