/**
 * Typed main-thread client of the MRZ Web Worker (`worker.ts`, the kit's one worker): pixels,
 * camera/photo frames and warm-up through one promise-based object.
 *
 * @example
 * ```ts
 * const client = createMrzWorkerClient();
 * void client.warmUp(); // while the camera opens
 * const { result, timings } = await client.read(ctx.getImageData(0, 0, w, h)); // buffer transferred
 * const frame = await client.readFrame({ frame: new VideoFrame(video), maxSide: 960 }); // frame transferred
 * const track = client.openTrack(stream.getVideoTracks()[0]); // null where the browser cannot
 * const live = await track?.read({ maxSide: 960 }); // the camera's newest frame, read in the worker
 * track?.close();
 * client.terminate();
 * ```
 * @module
 */

import type { MrzRecognition, ReadMrzOptions } from './engine.ts';
import type { MrzImageResult, MrzTimings } from './types.ts';
import type {
  FrameReadOptions,
  FrameReadResponse,
  FrameSource,
  MrzWorkerErrorCode,
  MrzWorkerImage,
  MrzWorkerRequest,
  MrzWorkerResponse,
} from './worker-protocol.ts';
// Imported *as* Worker so vite still sees `new Worker(new URL(...))`; the URL goes through Trusted Types.
import { TrustedWorker as Worker } from '../security/trusted-types.ts';

/** Stable codes of {@link MrzWorkerError}. */
export type MrzWorkerClientErrorCode = MrzWorkerErrorCode | 'worker-crashed' | 'terminated' | 'unsupported';

/** A failed worker request. */
export class MrzWorkerError extends Error {
  /** Stable code: `bad-request`, `engine-failure`, `worker-crashed`, `terminated` or `unsupported`. */
  readonly code: MrzWorkerClientErrorCode;
  /** Creates the error. */
  constructor(code: MrzWorkerClientErrorCode, message: string) {
    super(message);
    this.name = 'MrzWorkerError';
    this.code = code;
  }
}

/** Minimal worker surface the client needs (a DOM `Worker` satisfies it). */
export interface MrzWorkerLike {
  /** Sends a request, transferring `transfer`. */
  postMessage(message: unknown, transfer: Transferable[]): void;
  /** Responses. */
  addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
  /** Load or runtime failure of the worker. */
  addEventListener(type: 'error', listener: (ev: Event) => void): void;
  /** Stops the worker. */
  terminate(): void;
}

/** Options of {@link createMrzWorkerClient}. */
export interface MrzWorkerClientOptions {
  /** Use this worker instead of starting `worker.ts` as a module worker. */
  readonly worker?: MrzWorkerLike;
  /**
   * Transfer pixel buffers to the worker (default true: zero-copy, but the caller's buffer is
   * detached afterwards). Set false to copy. Frames are always transferred.
   */
  readonly transfer?: boolean;
}

/** Per-request options: engine options. */
export type MrzWorkerReadOptions = ReadMrzOptions;

/** A frame and what to do with it; the frame is transferred to the worker (do not use it afterwards). */
export interface MrzWorkerFrameRequest extends FrameReadOptions {
  /** The frame; the worker closes it. */
  readonly frame: FrameSource;
}

/** What {@link MrzWorkerClient.read} resolves with. */
export interface MrzWorkerReadResult {
  /** The read, or null when no MRZ was found. */
  readonly result: MrzImageResult | null;
  /** Engine timings. */
  readonly timings: MrzTimings;
}

/** What {@link MrzWorkerClient.recognize} resolves with. */
export interface MrzWorkerRecognizeResult {
  /** Classifier alternatives of every hypothesis. */
  readonly candidates: readonly MrzRecognition[];
  /** Engine timings. */
  readonly timings: MrzTimings;
}

/**
 * A camera track whose frames go straight to the worker ({@link MrzWorkerClient.openTrack}): the main
 * thread never handles a frame.
 */
export interface MrzWorkerTrack {
  /**
   * Reads the newest frame the camera delivered after this call (waiting for one if needed) with
   * `options`. Frames that arrive while no read is pending are dropped, never queued. Rejects with
   * code `stream-ended` once the track ended or {@link close} ran.
   */
  read(options?: FrameReadOptions): Promise<FrameReadResponse>;
  /** Stops the worker's copy of the track (idempotent): the camera is released once the page's own tracks stop too. */
  close(): void;
  /** True after {@link close}. */
  readonly closed: boolean;
}

/** `MediaStreamTrackProcessor` as Chromium exposes it on the page (not in lib.dom yet). */
type TrackProcessorConstructor = new (init: { track: MediaStreamTrack; maxBufferSize?: number }) => {
  readonly readable: ReadableStream<VideoFrame>;
};

/** The client. Requests may overlap; each promise settles with its own response. */
export interface MrzWorkerClient {
  /** Reads an MRZ (corrected and parsed); resolves `{ result: null }` when none is found. */
  read(image: MrzWorkerImage, options?: MrzWorkerReadOptions): Promise<MrzWorkerReadResult>;
  /** Raw per-position alternatives of every hypothesis, for voting across video frames. */
  recognize(image: MrzWorkerImage, options?: MrzWorkerReadOptions): Promise<MrzWorkerRecognizeResult>;
  /** Reads a camera or photo frame; pixels are made in the worker. */
  readFrame(request: MrzWorkerFrameRequest): Promise<FrameReadResponse>;
  /**
   * Warms the engine up (the stored MRZ image alone, then in a camera-sized frame) so the first real
   * frame is read at full speed. Resolves with the number of warm-up steps done; a real request sent
   * meanwhile, or {@link stopWarmUp}, cuts it short. `delay`: milliseconds the worker waits before the
   * first step (a scan starting within them skips the warm-up altogether). Idempotent: later calls
   * return the first call's promise.
   */
  warmUp(options?: { readonly delay?: number }): Promise<number>;
  /**
   * A scan is starting and camera frames follow: the worker drops the warm-up steps not begun yet
   * (the one running finishes), so the first frame waits at most for that step.
   */
  stopWarmUp(): void;
  /**
   * Hands a camera track's frames to the worker, off the main thread: a clone of `track` feeds a
   * `MediaStreamTrackProcessor` whose stream is transferred to the worker (Chromium delivers its frames
   * to the worker directly). Returns null where the browser lacks `MediaStreamTrackProcessor` or
   * transferable streams (then post frames with {@link readFrame}). The clone is stopped by
   * {@link MrzWorkerTrack.close} and by {@link terminate}.
   */
  openTrack(track: MediaStreamTrack): MrzWorkerTrack | null;
  /** Number of requests waiting for a response. */
  readonly pending: number;
  /** Stops the worker and every track opened with {@link openTrack}; pending requests reject with code `terminated`. */
  terminate(): void;
}

/** Starts the kit's MRZ module worker (Trusted Types safe). */
function startWorker(): MrzWorkerLike {
  if (typeof globalThis.Worker === 'undefined') throw new MrzWorkerError('unsupported', 'Web Workers are not available.');
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'timpora-mrz' }) as MrzWorkerLike;
}

/** Starts (or wraps) the MRZ worker and returns a typed, promise-based client. */
export function createMrzWorkerClient(options: MrzWorkerClientOptions = {}): MrzWorkerClient {
  const worker: MrzWorkerLike = options.worker ?? startWorker();
  const transfer = options.transfer ?? true;
  const waiting = new Map<number, { resolve: (r: MrzWorkerResponse) => void; reject: (e: MrzWorkerError) => void }>();
  let nextId = 1;
  let nextStream = 1;
  let closed = false;
  const tracks = new Set<MrzWorkerTrack>();
  let warm: Promise<number> | null = null;

  const failAll = (error: MrzWorkerError): void => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };

  worker.addEventListener('message', (ev: MessageEvent) => {
    const r = ev.data as MrzWorkerResponse;
    const w = waiting.get(r?.id);
    if (!w) return;
    waiting.delete(r.id);
    if (r.kind === 'error') w.reject(new MrzWorkerError(r.error.code, r.error.message));
    else w.resolve(r);
  });
  worker.addEventListener('error', (ev: Event) => {
    ev.preventDefault();
    const text = (ev as Partial<ErrorEvent>).message;
    const detail = typeof text === 'string' && text ? `: ${text}` : '';
    failAll(new MrzWorkerError('worker-crashed', `The MRZ worker failed${detail}.`));
  });

  function post(message: MrzWorkerRequest, transferList: Transferable[]): Promise<MrzWorkerResponse> {
    return new Promise((resolve, reject) => {
      waiting.set(message.id, { resolve, reject });
      try {
        worker.postMessage(message, transferList);
      } catch (e) {
        waiting.delete(message.id);
        reject(new MrzWorkerError('bad-request', e instanceof Error ? e.message : 'Could not post the request.'));
      }
    });
  }

  function sendPixels(kind: 'read' | 'recognize', image: MrzWorkerImage, opts?: ReadMrzOptions): Promise<MrzWorkerResponse> {
    if (closed) return Promise.reject(new MrzWorkerError('terminated', 'The MRZ worker was terminated.'));
    let data = image.data;
    if (!transfer) data = data instanceof ArrayBuffer ? data.slice(0) : data.slice();
    const buf = data instanceof ArrayBuffer ? data : data.buffer;
    return post(
      { id: nextId++, kind, image: { width: image.width, height: image.height, data }, ...(opts ? { options: opts } : {}) },
      buf instanceof ArrayBuffer ? [buf] : [],
    );
  }

  const unexpected = (): MrzWorkerError => new MrzWorkerError('engine-failure', 'Unexpected worker response.');

  return {
    async read(image, opts) {
      const r = await sendPixels('read', image, opts);
      if (r.kind !== 'read') throw unexpected();
      return { result: r.result, timings: r.timings };
    },
    async recognize(image, opts) {
      const r = await sendPixels('recognize', image, opts);
      if (r.kind !== 'recognize') throw unexpected();
      return { candidates: r.candidates, timings: r.timings };
    },
    async readFrame(request) {
      const { frame, ...rest } = request;
      if (closed) {
        frame.close();
        throw new MrzWorkerError('terminated', 'The MRZ worker was terminated.');
      }
      const message: MrzWorkerRequest = {
        id: nextId++,
        kind: 'frame',
        frame,
        ...rest,
        ...(rest.formats ? { formats: [...rest.formats] } : {}),
      };
      const r = await post(message, [frame]);
      if (r.kind !== 'frame') throw unexpected();
      return r.response;
    },
    warmUp(opts = {}) {
      if (closed) return Promise.reject(new MrzWorkerError('terminated', 'The MRZ worker was terminated.'));
      const delay = opts.delay ?? 0;
      warm ??= post({ id: nextId++, kind: 'warm-up', ...(delay > 0 ? { delay } : {}) }, []).then((r) => (r.kind === 'warm-up' ? r.runs : 0));
      return warm;
    },
    stopWarmUp() {
      // Fire and forget (its answer is not waited for), like 'track-open'.
      if (!closed) worker.postMessage({ id: nextId++, kind: 'warm-up-stop' } satisfies MrzWorkerRequest, []);
    },
    openTrack(track) {
      const Processor = (globalThis as { MediaStreamTrackProcessor?: TrackProcessorConstructor }).MediaStreamTrackProcessor;
      if (closed || typeof Processor !== 'function' || track.readyState !== 'live') return null;
      const clone = track.clone();
      let readable: ReadableStream<VideoFrame>;
      try {
        // One frame of buffer: frames arriving while the worker is busy replace it.
        readable = new Processor({ track: clone, maxBufferSize: 1 }).readable;
      } catch {
        clone.stop();
        return null;
      }
      const stream = nextStream++;
      try {
        // Fire and forget: a failure shows up as `stream-ended` on the first read.
        worker.postMessage({ id: nextId++, kind: 'track-open', stream, readable } satisfies MrzWorkerRequest, [readable as unknown as Transferable]);
      } catch {
        // Streams not transferable here.
        clone.stop();
        void readable.cancel().catch(() => undefined);
        return null;
      }
      let ended = false;
      const handle: MrzWorkerTrack = {
        async read(options = {}) {
          if (ended || closed) throw new MrzWorkerError('stream-ended', 'The camera frame stream is closed.');
          const r = await post({ ...options, ...(options.formats ? { formats: [...options.formats] } : {}), id: nextId++, kind: 'track-frame', stream }, []);
          if (r.kind !== 'frame') throw unexpected();
          return r.response;
        },
        close() {
          if (ended) return;
          ended = true;
          tracks.delete(handle);
          clone.stop();
          if (!closed) worker.postMessage({ id: nextId++, kind: 'track-close', stream } satisfies MrzWorkerRequest, []);
        },
        get closed() {
          return ended;
        },
      };
      tracks.add(handle);
      return handle;
    },
    get pending() {
      return waiting.size;
    },
    terminate() {
      if (closed) return;
      for (const t of [...tracks]) t.close();
      closed = true;
      worker.terminate();
      failAll(new MrzWorkerError('terminated', 'The MRZ worker was terminated.'));
    },
  };
}
