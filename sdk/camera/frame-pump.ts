/**
 * The frame pump: hands camera frames to a {@link FrameReader} with back-pressure: while the reader
 * is busy, new frames are skipped, never queued, so latency stays one frame deep and memory stays
 * flat on slow devices. Two ways to the frames:
 * - `track` mode (where the reader can open the camera track itself, {@link FrameReader.openTrack}:
 *   Chromium's `MediaStreamTrackProcessor` stream transferred to the worker): the pump asks for one
 *   frame at a time and the worker takes the camera's newest frame; the main thread never touches a frame;
 * - `video` mode (elsewhere, or when the track stream ends): frames grabbed from the playing
 *   `<video>` on `requestVideoFrameCallback` (else animation frames) and posted to the reader.
 * @module
 */
import type { FrameReader, FrameReadRequest, FrameReadResponse, FrameReadTimings, FrameSource, TrackFrameReader } from './frame-reader.ts';

/** When the first frame of a scan was requested and answered, and the worker's share of it. */
export interface FirstFrameTimes {
  /** `performance.now()` when the frame was asked for (track mode) or posted (video mode). */
  requestedAt: number;
  /** `performance.now()` when its answer arrived. */
  answeredAt: number;
  /** The worker's timings of that frame. */
  timings: FrameReadTimings;
}

/** Counters of a pump, for status displays and benchmarks. */
export interface FramePumpStats {
  /** Where frames come from: `track` (read in the worker), `video` (posted from the preview), or null before the start. */
  mode: 'track' | 'video' | null;
  /** Camera frames delivered while running (`track` mode: estimated from frame timestamps and the frame rate). */
  offered: number;
  /** Frames handed to the reader and answered. */
  processed: number;
  /** Frames dropped because the reader was still busy (back-pressure; `track` mode: estimated like `offered`). */
  skipped: number;
  /** Frames whose read failed. */
  failed: number;
  /** `performance.now()` when the first frame was handed over, or null. */
  firstFrameAt: number | null;
  /**
   * The first answered frame, for start-up analysis: when it was requested and answered
   * (`performance.now()` on this thread) and the worker's timings. Null until then.
   */
  first: FirstFrameTimes | null;
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
  /**
   * The camera track, for `track` mode (asked at every start, so a switched camera is picked up).
   * Without it, or when the reader cannot open it, frames come from the video.
   */
  readonly track?: () => MediaStreamTrack | null | undefined;
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
  /** The open track reader in `track` mode. */
  #frames: TrackFrameReader | null = null;
  #stats: FramePumpStats = {
    mode: null,
    offered: 0,
    processed: 0,
    skipped: 0,
    failed: 0,
    firstFrameAt: null,
    first: null,
    lastTotalMs: 0,
    decodeMs: 0,
    engineMs: 0,
  };

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
    return { ...this.#stats, first: this.#stats.first ? { ...this.#stats.first } : null };
  }

  /** Starts pulling frames (idempotent): in `track` mode where the reader can open the track, else from the video. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    // A track reader left open by halt() is not reused.
    this.#frames?.close();
    this.#frames = null;
    const track = this.#options.track?.();
    const frames = track ? (this.#options.reader.openTrack?.(track) ?? null) : null;
    if (frames) void this.#pumpTrack(frames, track as MediaStreamTrack);
    else this.#schedule();
  }

  /**
   * Stops pulling frames (idempotent); in `track` mode the reader's copy of the track is stopped. A
   * frame already with the reader still completes but is ignored.
   */
  stop(): void {
    this.halt();
    this.#frames?.close();
    this.#frames = null;
  }

  /**
   * Stops pulling frames at once, like {@link stop}, but leaves the reader's copy of the track open
   * until {@link stop} (or the next {@link start}): ending a track is a slow native call (several ms,
   * tens on a loaded machine) that a caller may run in a task of its own.
   */
  halt(): void {
    this.#running = false;
    const video = this.#options.video;
    if (this.#handle !== null) {
      if (this.#usesFrameCallback) (video as VideoWithFrameCallback).cancelVideoFrameCallback(this.#handle);
      else cancelAnimationFrame(this.#handle);
      this.#handle = null;
    }
  }

  /** Frame size for the request callback before the frame is read: the preview's, the track's, or the last frame's. */
  #frameSize(track: MediaStreamTrack, last: FrameReadResponse | null): { width: number; height: number } {
    const { video } = this.#options;
    if (video.videoWidth > 0) return { width: video.videoWidth, height: video.videoHeight };
    const settings = track.getSettings();
    if (settings.width && settings.height) return { width: settings.width, height: settings.height };
    return last ? { width: last.frameWidth, height: last.frameHeight } : { width: 1920, height: 1080 };
  }

  /** `track` mode: one read at a time, each answered with the camera's newest frame. */
  async #pumpTrack(frames: TrackFrameReader, track: MediaStreamTrack): Promise<void> {
    this.#frames = frames;
    this.#stats.mode = 'track';
    const { request, onResponse, onError } = this.#options;
    const interval = 1e6 / (track.getSettings().frameRate || 30);
    let last: FrameReadResponse | null = null;
    while (this.#running && this.#frames === frames) {
      const { width, height } = this.#frameSize(track, last);
      const sent = performance.now();
      this.#busy = true;
      try {
        const response = await frames.read(request ? request(width, height) : {});
        if (!this.#running || this.#frames !== frames) return;
        this.#stats.firstFrameAt ??= sent + (response.timings.wait ?? 0);
        // Camera frames between this one and the previous read were dropped by back-pressure.
        const gap = last?.frameTimestamp !== undefined && response.frameTimestamp !== undefined
          ? Math.max(0, Math.round((response.frameTimestamp - last.frameTimestamp) / interval) - 1)
          : 0;
        this.#stats.offered += 1 + gap;
        this.#stats.skipped += gap;
        this.#count(response, sent);
        last = response;
        onResponse(response);
      } catch (error) {
        if (!this.#running || this.#frames !== frames) return;
        if ((error as { code?: unknown }).code === 'stream-ended') {
          // The worker lost the stream but the camera may still run: carry on with video frames.
          frames.close();
          this.#frames = null;
          this.#schedule();
          return;
        }
        this.#stats.failed++;
        onError?.(error);
      } finally {
        this.#busy = false;
      }
    }
  }

  #count(response: FrameReadResponse, requestedAt: number): void {
    this.#stats.first ??= { requestedAt, answeredAt: performance.now(), timings: response.timings };
    this.#stats.processed++;
    this.#stats.lastTotalMs = response.timings.total;
    this.#stats.decodeMs += response.timings.decode;
    this.#stats.engineMs += response.timings.engine;
  }

  #schedule(): void {
    if (!this.#running) return;
    this.#stats.mode = 'video';
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
      const sent = performance.now();
      this.#stats.firstFrameAt ??= sent;
      const response = await reader.read({ ...(request ? request(width, height) : {}), frame });
      this.#count(response, sent);
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
