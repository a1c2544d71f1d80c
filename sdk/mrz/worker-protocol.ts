/**
 * Message protocol of the MRZ Web Worker (`worker.ts`) and its pure request handler.
 *
 * Request (main thread -> worker), image buffer transferable:
 * ```ts
 * { id: 7, kind: 'read', image: { width, height, data }, options: { rotations: false } }
 * ```
 * `kind` is `'read'` (default: corrected, parsed result) or `'recognize'` (raw classifier
 * alternatives per hypothesis, for `MrzVoter` across video frames). `data` is RGBA (4 bytes per
 * pixel, like `ImageData.data`) or greyscale (1 byte per pixel), as an `ArrayBuffer`,
 * `Uint8Array` or `Uint8ClampedArray`.
 *
 * Response (worker -> main thread), always exactly one per request, never an uncaught exception:
 * ```ts
 * { id: 7, kind: 'read', result: MrzImageResult | null, timings }
 * { id: 7, kind: 'recognize', candidates: MrzRecognition[], timings }
 * { id: 7, kind: 'error', error: { code: 'bad-request' | 'engine-failure', message }, timings }
 * ```
 * @module
 */

import { readMrz, recognizeMrz, type MrzRecognition, type ReadMrzOptions } from './engine.ts';
import type { MrzImageResult, MrzTimings } from './types.ts';

/** Image payload of a request. */
export interface MrzWorkerImage {
  readonly width: number;
  readonly height: number;
  readonly data: ArrayBuffer | Uint8Array | Uint8ClampedArray;
}

/** A request to the MRZ worker. */
export interface MrzWorkerRequest {
  /** Caller-chosen id echoed in the response. */
  readonly id: number;
  /** `'read'` (default) or `'recognize'`. */
  readonly kind?: 'read' | 'recognize';
  readonly image: MrzWorkerImage;
  readonly options?: ReadMrzOptions;
}

/** Stable codes of worker-side failures. */
export type MrzWorkerErrorCode = 'bad-request' | 'engine-failure';

/** A response of the MRZ worker. */
export type MrzWorkerResponse =
  | { readonly id: number; readonly kind: 'read'; readonly result: MrzImageResult | null; readonly timings: MrzTimings }
  | { readonly id: number; readonly kind: 'recognize'; readonly candidates: readonly MrzRecognition[]; readonly timings: MrzTimings }
  | {
      readonly id: number;
      readonly kind: 'error';
      readonly error: { readonly code: MrzWorkerErrorCode; readonly message: string };
      readonly timings: MrzTimings;
    };

const ZERO: MrzTimings = { locate: 0, rectify: 0, segment: 0, classify: 0, correct: 0, total: 0 };

function asBytes(data: unknown): Uint8Array | Uint8ClampedArray | null {
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return null;
}

/**
 * Handles one request message (the worker's whole logic, callable from tests without a worker).
 * Never throws: malformed requests and engine failures become `kind: 'error'` responses.
 */
export function handleMrzRequest(message: unknown): MrzWorkerResponse {
  const m = message as Partial<MrzWorkerRequest> | null;
  const id = m && typeof m.id === 'number' ? m.id : -1;
  try {
    const img = m?.image;
    const data = img ? asBytes(img.data) : null;
    if (!m || !img || !data || !Number.isInteger(img.width) || !Number.isInteger(img.height) || img.width <= 0 || img.height <= 0) {
      return { id, kind: 'error', error: { code: 'bad-request', message: 'Expected { id, image: { width, height, data } }.' }, timings: { ...ZERO } };
    }
    const n = img.width * img.height;
    if (data.length !== n && data.length !== n * 4) {
      return { id, kind: 'error', error: { code: 'bad-request', message: 'Image data must hold 1 or 4 bytes per pixel.' }, timings: { ...ZERO } };
    }
    const image = { width: img.width, height: img.height, data };
    const options = m.options ?? {};
    if (m.kind === 'recognize') {
      const r = recognizeMrz(image, options);
      return { id, kind: 'recognize', candidates: r.candidates, timings: r.timings };
    }
    const result = readMrz(image, options);
    return { id, kind: 'read', result, timings: result ? result.timings : { ...ZERO } };
  } catch (e) {
    return { id, kind: 'error', error: { code: 'engine-failure', message: e instanceof Error ? e.message : 'Engine failure.' }, timings: { ...ZERO } };
  }
}
