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
import { processFrame, warmUpClassifier, warmUpEngine, type ReadMrzFunction } from './worker-frames.ts';
import {
  errorResponse,
  handleMrzRequest,
  type FrameReadOptions,
  type FrameSource,
  type MrzFrameRequest,
  type MrzTrackFrameRequest,
  type MrzTrackOpenRequest,
  type MrzWarmUpRequest,
  type MrzWorkerRequest,
  type MrzWorkerResponse,
} from './worker-protocol.ts';

export type { MrzWorkerRequest, MrzWorkerResponse, MrzWorkerImage, MrzWorkerErrorCode } from './worker-protocol.ts';

interface WorkerScopeLike {
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
  postMessage(message: MrzWorkerResponse, transfer?: Transferable[]): void;
}

const engine: ReadMrzFunction = readMrz;

/** Requests other than warm-up received so far (a warm-up stops when this moves). */
let received = 0;
/** Of those, the ones carrying a frame or pixels (the classifier warm-up stops when this moves). */
let reads = 0;
/** The classifier warm-up, started when the worker loads (`install`). */
let classifierWarm: Promise<number> = Promise.resolve(0);

/** Open camera frame streams (`'track-open'`) by stream id. */
const streams = new Map<number, ReadableStreamDefaultReader<VideoFrame>>();

async function readFrame(id: number, frame: FrameSource, options: FrameReadOptions, extra?: { wait: number; frameTimestamp: number }): Promise<MrzWorkerResponse> {
  try {
    const response = await processFrame({ ...options, frame }, engine);
    if (!extra) return { id, kind: 'frame', response };
    const { wait, frameTimestamp } = extra;
    return { id, kind: 'frame', response: { ...response, frameTimestamp, timings: { ...response.timings, wait, total: response.timings.total + wait } } };
  } catch (e) {
    return errorResponse(id, 'engine-failure', e instanceof Error ? e.message : 'Engine failure.');
  }
}

/** The newest frame of an open stream, read with `options`. */
async function readTrackFrame(id: number, message: Partial<MrzTrackFrameRequest>): Promise<MrzWorkerResponse> {
  const { id: _id, kind: _kind, stream, ...options } = message;
  const reader = typeof stream === 'number' ? streams.get(stream) : undefined;
  if (!reader) return errorResponse(id, 'stream-ended', 'No open frame stream with this id.');
  const t0 = performance.now();
  let next: ReadableStreamReadResult<VideoFrame>;
  try {
    next = await reader.read();
  } catch {
    next = { done: true, value: undefined };
  }
  if (next.done) {
    if (streams.get(stream as number) === reader) streams.delete(stream as number);
    return errorResponse(id, 'stream-ended', 'The camera frame stream ended.');
  }
  const frame = next.value;
  return readFrame(id, frame, options, { wait: performance.now() - t0, frameTimestamp: frame.timestamp });
}

async function handle(data: unknown): Promise<MrzWorkerResponse> {
  const message = (data !== null && typeof data === 'object' ? data : {}) as Partial<MrzWorkerRequest>;
  const id = typeof message.id === 'number' ? message.id : -1;
  if (message.kind === 'warm-up') {
    const t0 = performance.now();
    const seen = received;
    const delay = Number((message as Partial<MrzWarmUpRequest>).delay);
    let runs = 0;
    try {
      // Once real frames were read, the engine is warm: a late warm-up would only delay the next frame.
      if (seen === 0) {
        await classifierWarm;
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        runs = await warmUpEngine(engine, () => received !== seen);
      }
    } catch {
      /* a failed warm-up only costs speed */
    }
    return { id, kind: 'warm-up', runs, ms: performance.now() - t0 };
  }
  if (message.kind === 'warm-up-stop') {
    received++;
    return { id, kind: 'warm-up-stop' };
  }
  if (message.kind === 'track-open') {
    const { stream, readable } = message as Partial<MrzTrackOpenRequest>;
    if (typeof stream !== 'number' || !readable || typeof readable.getReader !== 'function') {
      return errorResponse(id, 'bad-request', 'Expected { stream, readable }.');
    }
    streams.set(stream, readable.getReader());
    return { id, kind: 'track', stream };
  }
  if (message.kind === 'track-close') {
    const stream = (message as { stream?: unknown }).stream;
    const reader = typeof stream === 'number' ? streams.get(stream) : undefined;
    if (reader) {
      streams.delete(stream as number);
      void reader.cancel().catch(() => undefined);
    }
    return { id, kind: 'track', stream: typeof stream === 'number' ? stream : -1 };
  }
  // Counted on arrival, before the frame: a warm-up run in progress would delay the frame's delivery
  // to this thread (it arrives as a task) as much as its reading.
  received++;
  reads++;
  if (message.kind === 'track-frame') return readTrackFrame(id, message as Partial<MrzTrackFrameRequest>);
  if (message.kind === 'frame') {
    const { id: _id, kind: _kind, frame, ...options } = message as Partial<MrzFrameRequest>;
    if (!frame || typeof frame.close !== 'function') return errorResponse(id, 'bad-request', 'Expected a VideoFrame or ImageBitmap.');
    return readFrame(id, frame, options);
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
  // At once, in short slices, whatever comes next: it costs a scan starting now (its camera still
  // opening) nothing, and any later read less.
  classifierWarm = warmUpClassifier(() => reads !== 0).catch(() => 0);
}
