/// <reference types="mocha" />
// Test helpers for the camera tests: a controllable FrameReader, a minimal voter, and getUserMedia spies.
import { frameSize, type FrameReader, type FrameReadRequest, type FrameReadResponse } from '../../../sdk/camera/frame-reader.ts';
import type { FrameVoter } from '../../../sdk/camera/scanner.ts';
import type { MrzImageResult, MrzResult } from '../../../sdk/mrz/types.ts';
import type { MrzSighting } from '../../../sdk/mrz/engine.ts';
import { parseMrz } from '../../../sdk/mrz/parse.ts';

/** ICAO 9303 specimen passport (valid check digits). */
export const SPECIMEN_TD3 = [
  'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<',
  'L898902C36UTO7408122F1204159ZE184226B<<<<<10',
];

/** The specimen with its document-number check digit misprinted (6 -> 7): its own checks fail. */
export const MISPRINTED_TD3 = [SPECIMEN_TD3[0] as string, (SPECIMEN_TD3[1] as string).replace('L898902C36', 'L898902C37')];

/**
 * An old Romanian identity card's MRZ (a sample of the passporteye project): every check digit
 * passes, but the nationality is printed `132`, no state code.
 */
export const OFF_STANDARD_TD2 = ['IDROUSAVA<<SUPERMAN<<<<<<<<<<<<<<<<<', 'HD198025<51328505095M130509012049941'];

/** An engine-like image result for `lines` (parsed by the real parser) with made-up corners. */
export function imageResult(lines: readonly string[] = SPECIMEN_TD3): MrzImageResult {
  const parsed = parseMrz(lines, { allowSpecimen: true });
  return {
    ...parsed,
    corners: [
      { x: 100, y: 500 },
      { x: 1100, y: 500 },
      { x: 1100, y: 600 },
      { x: 100, y: 600 },
    ],
    timings: { locate: 1, rectify: 1, segment: 1, classify: 1, correct: 0, total: 4 },
  };
}

/**
 * What the engine reports of a TD3 MRZ seen but not read: a band at (`x`, `y`), `pitch` pixels per
 * character wide and `height` tall, its print blurred over `blur` characters.
 */
export function sightingOf(pitch: number, blur = 0.15, { x = 100, y = 500, height = 20 } = {}): MrzSighting {
  return {
    corners: [{ x, y }, { x: x + 44 * pitch, y }, { x: x + 44 * pitch, y: y + height }, { x, y: y + height }],
    lineLength: 44,
    confidence: 0.01,
    pitch,
    blur,
  };
}

/** A FrameReader whose answers the test scripts; records concurrency and closes frames like the worker. */
export class ScriptedReader implements FrameReader {
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  disposed = false;
  requests: Omit<FrameReadRequest, 'frame'>[] = [];
  /** Whether the answer to call n says the engine ran out of its time budget. */
  outOfTime: (call: number) => boolean = () => false;
  /** The thumbnail the answer to call n carries, if any. */
  thumbnail: (call: number) => Uint8Array | undefined = () => undefined;
  /** The MRZ the answer to call n saw without a valid read, if any. */
  sighting: (call: number) => MrzSighting | undefined = () => undefined;
  constructor(
    public answer: (call: number) => MrzImageResult | null,
    public delayMs = 0,
  ) {}
  async read(request: FrameReadRequest): Promise<FrameReadResponse> {
    this.calls++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const { frame, ...rest } = request;
    this.requests.push(rest);
    const { width: frameWidth, height: frameHeight } = frameSize(frame);
    frame.close();
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    this.inFlight--;
    const result = this.answer(this.calls);
    return {
      result,
      band: result && rest.cropBand ? new Blob([new Uint8Array([0xff, 0xd8])], { type: 'image/jpeg' }) : null,
      frameWidth,
      frameHeight,
      timings: { decode: 0, engine: this.delayMs, total: this.delayMs },
      ...(this.outOfTime(this.calls) ? { outOfTime: true } : {}),
      ...(this.thumbnail(this.calls) ? { thumbnail: this.thumbnail(this.calls) } : {}),
      ...(this.sighting(this.calls) ? { sighting: this.sighting(this.calls) } : {}),
    };
  }
  dispose(): void {
    this.disposed = true;
  }
}

/** Reports a result once the same valid lines arrived `need` times in a row. */
export class RepeatVoter implements FrameVoter {
  #last = '';
  #count = 0;
  #result: MrzResult | null = null;
  constructor(private readonly need = 2) {}
  push(result: MrzResult | null): void {
    if (!result) return;
    const key = result.lines.join('\n');
    if (key === this.#last) this.#count++;
    else {
      this.#last = key;
      this.#count = 1;
    }
    this.#result = result;
  }
  stable(): MrzResult | null {
    return this.#count >= this.need && this.#result?.valid ? this.#result : null;
  }
  reset(): void {
    this.#last = '';
    this.#count = 0;
    this.#result = null;
  }
}

/** Records every stream getUserMedia hands out (to check that all tracks end). Call `restore()`. */
export function spyStreams(): { streams: MediaStream[]; states(): string[]; restore(): void } {
  const md = navigator.mediaDevices;
  const original = md.getUserMedia;
  const streams: MediaStream[] = [];
  md.getUserMedia = async function (this: MediaDevices, c?: MediaStreamConstraints) {
    const s = await original.call(md, c);
    streams.push(s);
    return s;
  };
  return {
    streams,
    states: () => streams.flatMap((s) => s.getTracks().map((t) => t.readyState)),
    restore: () => {
      md.getUserMedia = original;
    },
  };
}

/**
 * Records every clone of a camera track (the MRZ worker reads frames from a clone, so the camera is
 * only released once the clones end too). Call `restore()`.
 */
export function spyClones(): { clones: MediaStreamTrack[]; restore(): void } {
  const clones: MediaStreamTrack[] = [];
  const original = MediaStreamTrack.prototype.clone;
  MediaStreamTrack.prototype.clone = function (this: MediaStreamTrack): MediaStreamTrack {
    const track = original.call(this);
    clones.push(track);
    return track;
  };
  return {
    clones,
    restore: () => {
      MediaStreamTrack.prototype.clone = original;
    },
  };
}

/** Makes getUserMedia reject with a DOMException of `name`. Call the returned function to restore. */
export function failGetUserMedia(name: string): () => void {
  const md = navigator.mediaDevices;
  const original = md.getUserMedia;
  md.getUserMedia = () => Promise.reject(new DOMException('test', name));
  return () => {
    md.getUserMedia = original;
  };
}

/** Resolves when `predicate` holds (polling), rejects after `timeout` ms. */
export async function until(predicate: () => boolean, timeout = 8000, what = 'condition'): Promise<void> {
  const t0 = performance.now();
  while (!predicate()) {
    if (performance.now() - t0 > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Overrides document.visibilityState and fires visibilitychange. */
export function setVisibility(state: 'hidden' | 'visible'): void {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
  document.dispatchEvent(new Event('visibilitychange'));
}

/** Removes the visibilityState override. */
export function resetVisibility(): void {
  delete (document as unknown as Record<string, unknown>)['visibilityState'];
}
