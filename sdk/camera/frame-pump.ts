/**
 * The frame pump: takes frames from a playing `<video>` (on `requestVideoFrameCallback` where
 * available, else animation frames) and hands them to a {@link FrameReader} with back-pressure:
 * while the reader is busy, new frames are skipped, never queued, so latency stays one frame deep
 * and memory stays flat on slow devices.
 * @module
 */
import type { FrameReader, FrameReadRequest, FrameReadResponse, FrameSource } from './frame-reader.ts';

/** Counters of a pump, for status displays and benchmarks. */
export interface FramePumpStats {
  /** Video frames presented while running. */
  offered: number;
  /** Frames handed to the reader and answered. */
  processed: number;
  /** Frames dropped because the reader was still busy (back-pressure). */
  skipped: number;
  /** Frames whose read failed. */
  failed: number;
  /** `performance.now()` when the first frame was handed over, or null. */
  firstFrameAt: number | null;
  /** Worker-side milliseconds of the last processed frame. */
  lastTotalMs: number;
  /** Worker-side milliseconds of all processed frames: frame → pixels. */
  decodeMs: number;
  /** Worker-side milliseconds of all processed frames: the engine. */
  engineMs: number;
}

/** Options of {@link FramePump}. */
export interface FramePumpOptions {
  /** The playing preview to take frames from. */
  readonly video: HTMLVideoElement;
  /** Reads the frames (one at a time). */
  readonly reader: FrameReader;
  /** Extra request fields per frame (formats, region, cropBand...). Called for every handed frame. */
  readonly request?: (frameWidth: number, frameHeight: number) => Omit<FrameReadRequest, 'frame'>;
  /** Every answered frame. */
  readonly onResponse: (response: FrameReadResponse) => void;
  /** A frame that could not be grabbed or read. The pump keeps running. */
  readonly onError?: (error: unknown) => void;
}

type VideoWithFrameCallback = HTMLVideoElement & {
  requestVideoFrameCallback(cb: (now: number, metadata: unknown) => void): number;
  cancelVideoFrameCallback(handle: number): void;
};

/** True when the browser has `requestVideoFrameCallback` (Chromium, Safari 15.4+, Firefox 132+). */
function hasFrameCallback(video: HTMLVideoElement): boolean {
  return typeof (video as Partial<VideoWithFrameCallback>).requestVideoFrameCallback === 'function';
}

/**
 * Grabs the current video frame. A WebCodecs `VideoFrame` wraps the decoded camera frame without a
 * copy on the main thread; `createImageBitmap(video)` copies it there (tens of ms at 720p in
 * software-rendered Chromium), so it is only the fallback.
 */
async function grabFrame(video: HTMLVideoElement): Promise<FrameSource> {
  if (typeof VideoFrame === 'function') {
    try {
      return new VideoFrame(video);
    } catch {
      /* no frame yet or unsupported source: fall back */
    }
  }
  return createImageBitmap(video);
}

/** Pulls frames from a video into a reader, one at a time. */
export class FramePump {
  readonly #options: FramePumpOptions;
  #running = false;
  #busy = false;
  #handle: number | null = null;
  #usesFrameCallback = false;
  #lastTime = -1;
  #stats: FramePumpStats = { offered: 0, processed: 0, skipped: 0, failed: 0, firstFrameAt: null, lastTotalMs: 0, decodeMs: 0, engineMs: 0 };

  constructor(options: FramePumpOptions) {
    this.#options = options;
  }

  /** True between {@link start} and {@link stop}. */
  get running(): boolean {
    return this.#running;
  }

  /** True while a frame is with the reader. */
  get busy(): boolean {
    return this.#busy;
  }

  /** A copy of the counters. */
  get stats(): FramePumpStats {
    return { ...this.#stats };
  }

  /** Starts pulling frames (idempotent). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule();
  }

  /** Stops pulling frames (idempotent). A frame already with the reader still completes but is ignored. */
  stop(): void {
    this.#running = false;
    const video = this.#options.video;
    if (this.#handle !== null) {
      if (this.#usesFrameCallback) (video as VideoWithFrameCallback).cancelVideoFrameCallback(this.#handle);
      else cancelAnimationFrame(this.#handle);
      this.#handle = null;
    }
  }

  #schedule(): void {
    if (!this.#running) return;
    const video = this.#options.video;
    if (hasFrameCallback(video)) {
      this.#usesFrameCallback = true;
      this.#handle = (video as VideoWithFrameCallback).requestVideoFrameCallback(() => this.#onFrame());
    } else {
      this.#usesFrameCallback = false;
      this.#handle = requestAnimationFrame(() => {
        // Without frame callbacks, only count a frame when the media time moved.
        if (video.currentTime === this.#lastTime) {
          this.#handle = null;
          this.#schedule();
          return;
        }
        this.#lastTime = video.currentTime;
        this.#onFrame();
      });
    }
  }

  #onFrame(): void {
    this.#handle = null;
    if (!this.#running) return;
    this.#stats.offered++;
    this.#schedule();
    if (this.#busy) {
      this.#stats.skipped++;
      return;
    }
    const video = this.#options.video;
    if (video.readyState < 2 || video.videoWidth === 0) return;
    this.#busy = true;
    void this.#process(video);
  }

  async #process(video: HTMLVideoElement): Promise<void> {
    const { reader, request, onResponse, onError } = this.#options;
    try {
      const width = video.videoWidth;
      const height = video.videoHeight;
      const frame = await grabFrame(video);
      if (!this.#running) {
        frame.close();
        return;
      }
      this.#stats.firstFrameAt ??= performance.now();
      const response = await reader.read({ ...(request ? request(width, height) : {}), frame });
      this.#stats.processed++;
      this.#stats.lastTotalMs = response.timings.total;
      this.#stats.decodeMs += response.timings.decode;
      this.#stats.engineMs += response.timings.engine;
      if (!this.#running) return;
      onResponse(response);
    } catch (error) {
      this.#stats.failed++;
      if (this.#running) onError?.(error);
    } finally {
      this.#busy = false;
    }
  }
}
