/**
 * Typed main-thread wrapper around the MRZ Web Worker.
 *
 * @example
 * ```ts
 * const client = createMrzWorkerClient();
 * const frame = ctx.getImageData(0, 0, w, h);
 * const { result, timings } = await client.read(frame); // frame.data's buffer is transferred
 * client.terminate();
 * ```
 * @module
 */

import type { MrzRecognition, ReadMrzOptions } from './engine.ts';
import type { MrzImageResult, MrzTimings } from './types.ts';
import type { MrzWorkerErrorCode, MrzWorkerImage, MrzWorkerRequest, MrzWorkerResponse } from './worker-protocol.ts';
// Imported *as* Worker so vite still sees `new Worker(new URL(...))`; the URL goes through Trusted Types.
import { TrustedWorker as Worker } from '../security/trusted-types.ts';

/** Stable codes of {@link MrzWorkerError}. */
export type MrzWorkerClientErrorCode = MrzWorkerErrorCode | 'worker-crashed' | 'terminated';

/** A failed worker request. */
export class MrzWorkerError extends Error {
  readonly code: MrzWorkerClientErrorCode;
  constructor(code: MrzWorkerClientErrorCode, message: string) {
    super(message);
    this.name = 'MrzWorkerError';
    this.code = code;
  }
}

/** Minimal worker surface the client needs (a DOM `Worker` satisfies it). */
export interface MrzWorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (ev: MessageEvent) => void): void;
  addEventListener(type: 'error', listener: (ev: Event) => void): void;
  terminate(): void;
}

/** Options of {@link createMrzWorkerClient}. */
export interface MrzWorkerClientOptions {
  /** Use this worker instead of starting `worker.ts` as a module worker. */
  readonly worker?: MrzWorkerLike;
  /**
   * Transfer the image buffer to the worker (default true: zero-copy, but the caller's buffer is
   * detached afterwards). Set false to copy.
   */
  readonly transfer?: boolean;
}

/** Per-request options: engine options. */
export type MrzWorkerReadOptions = ReadMrzOptions;

/** The client. Requests may overlap; each promise settles with its own response. */
export interface MrzWorkerClient {
  /** Reads an MRZ (corrected and parsed); resolves `{ result: null }` when none is found. */
  read(image: MrzWorkerImage, options?: MrzWorkerReadOptions): Promise<{ result: MrzImageResult | null; timings: MrzTimings }>;
  /** Raw per-position alternatives of every hypothesis, for voting across video frames. */
  recognize(image: MrzWorkerImage, options?: MrzWorkerReadOptions): Promise<{ candidates: readonly MrzRecognition[]; timings: MrzTimings }>;
  /** Number of requests waiting for a response. */
  readonly pending: number;
  /** Stops the worker; pending requests reject with code `terminated`. */
  terminate(): void;
}

/** Starts (or wraps) the MRZ worker and returns a typed, promise-based client. */
export function createMrzWorkerClient(options: MrzWorkerClientOptions = {}): MrzWorkerClient {
  const worker: MrzWorkerLike = options.worker ?? (new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' }) as MrzWorkerLike);
  const transfer = options.transfer ?? true;
  const waiting = new Map<number, { resolve: (r: MrzWorkerResponse) => void; reject: (e: MrzWorkerError) => void }>();
  let nextId = 1;
  let closed = false;

  worker.addEventListener('message', (ev: MessageEvent) => {
    const r = ev.data as MrzWorkerResponse;
    const w = waiting.get(r?.id);
    if (!w) return;
    waiting.delete(r.id);
    if (r.kind === 'error') w.reject(new MrzWorkerError(r.error.code, r.error.message));
    else w.resolve(r);
  });
  worker.addEventListener('error', () => {
    for (const w of waiting.values()) w.reject(new MrzWorkerError('worker-crashed', 'The MRZ worker failed.'));
    waiting.clear();
  });

  function send(kind: 'read' | 'recognize', image: MrzWorkerImage, opts?: ReadMrzOptions): Promise<MrzWorkerResponse> {
    if (closed) return Promise.reject(new MrzWorkerError('terminated', 'The MRZ worker was terminated.'));
    const id = nextId++;
    let data = image.data;
    if (!transfer) data = data instanceof ArrayBuffer ? data.slice(0) : data.slice();
    const msg: MrzWorkerRequest = { id, kind, image: { width: image.width, height: image.height, data }, ...(opts ? { options: opts } : {}) };
    const buf = data instanceof ArrayBuffer ? data : data.buffer;
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      try {
        worker.postMessage(msg, buf instanceof ArrayBuffer ? [buf] : []);
      } catch (e) {
        waiting.delete(id);
        reject(new MrzWorkerError('bad-request', e instanceof Error ? e.message : 'Could not post the image.'));
      }
    });
  }

  return {
    async read(image, opts) {
      const r = await send('read', image, opts);
      if (r.kind !== 'read') throw new MrzWorkerError('engine-failure', 'Unexpected worker response.');
      return { result: r.result, timings: r.timings };
    },
    async recognize(image, opts) {
      const r = await send('recognize', image, opts);
      if (r.kind !== 'recognize') throw new MrzWorkerError('engine-failure', 'Unexpected worker response.');
      return { candidates: r.candidates, timings: r.timings };
    },
    get pending() {
      return waiting.size;
    },
    terminate() {
      if (closed) return;
      closed = true;
      worker.terminate();
      for (const w of waiting.values()) w.reject(new MrzWorkerError('terminated', 'The MRZ worker was terminated.'));
      waiting.clear();
    },
  };
}
