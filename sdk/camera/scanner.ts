/**
 * A framework-free live MRZ scanner: camera → frame pump → engine worker → multi-frame vote →
 * one `read` event. It owns the camera lifecycle: tracks are stopped on {@link MrzCameraScanner.stop},
 * when the page is hidden (`visibilitychange`, `pagehide`), after a successful read unless
 * `continuous`, and when the device is lost (reported as a `device_lost` error). After a read, the
 * `read` event comes first and the camera is released in the tasks right after it (one native
 * teardown call per task, so the task delivering the read stays short); `release` says when every
 * track has ended.
 * `<timpora-mrz-scanner>` is a thin view over this class.
 * @module
 */
import type { MrzFormat, MrzImageResult, MrzResult, Point } from '../mrz/types.ts';
import { openCamera, type CameraSession, type OpenCameraOptions } from './camera.ts';
import { CameraError, toCameraError } from './errors.ts';
import type { FrameReader, FrameReadResponse, FrameRect } from './frame-reader.ts';
import { FramePump, type FramePumpStats } from './frame-pump.ts';
import { TypedEventTarget } from './typed-event-target.ts';
import { breaksOwnRules } from '../mrz/interpret.ts';
import { MRZ_BLURRED, MRZ_READABLE_PITCH, trackingRegion } from '../mrz/region.ts';

/** Where a scanner is in its life. */
export type ScanStatus =
  /** Not started, or stopped. */
  | 'idle'
  /** Asking for the camera. */
  | 'starting'
  /** Frames flow, no MRZ in view. */
  | 'searching'
  /** An MRZ is in view; waiting for frames to agree. */
  | 'holding'
  /**
   * An MRZ is in view but not read, its characters under `MRZ_READABLE_PITCH` pixels wide: the
   * document should come closer to the camera. Frames are still read meanwhile.
   */
  | 'closer'
  /**
   * An MRZ is in view but not read, its characters wide enough, its print blurred (by the hand's
   * motion or the focus) past `MRZ_BLURRED`: the document and the camera should be held still. Frames
   * are still read meanwhile.
   */
  | 'steady'
  /**
   * An MRZ is in view and read as printed, every character surely, but the print breaks its own
   * rules (`breaksOwnRules`): its check digits fail (a misprinted or altered MRZ), or they pass and
   * it is still no valid MRZ (a non-standard one, such as digits for the nationality): see the
   * `misprint` event. Nothing is sent as read; frames are still read meanwhile.
   */
  | 'misprint'
  /** A stable read was delivered (the camera is stopped unless continuous). */
  | 'read'
  /** The page was hidden: camera released; resumes when visible again. */
  | 'paused'
  /** Failed; see the `error` event. */
  | 'error';

/** Multi-frame voting, as `MrzVoter` from sdk/mrz provides it. */
export interface FrameVoter {
  /** One frame's read, or null when the frame had no MRZ. */
  push(result: MrzResult | null): void;
  /** The agreed read once the same valid read repeats, else null. */
  stable(): MrzResult | null;
  /** Forgets every frame. */
  reset(): void;
}

/** Detail of the scanner `read` event. */
export interface ScannerReadDetail {
  /** The voted read with the geometry of the frame that settled it. */
  readonly result: MrzImageResult;
  /** JPEG crop of the MRZ band from the frame that settled the vote. */
  readonly band: Blob | null;
}

/** Event map of {@link MrzCameraScanner}. */
export interface MrzCameraScannerEventMap {
  /** The status changed. */
  status: CustomEvent<ScanStatus>;
  /** Every answered frame (for drawing the detected outline). */
  frame: CustomEvent<FrameReadResponse>;
  /** A stable, valid read. */
  read: CustomEvent<ScannerReadDetail>;
  /**
   * The same print breaking its own rules (`breaksOwnRules`) was read in {@link MISPRINT_FRAMES} frames,
   * no other reading between (`valid: false`, any failing digits in `checks`), once per text until the document
   * leaves the view: to show the text and have it compared with the document. Status `misprint` follows.
   */
  misprint: CustomEvent<MrzImageResult>;
  /** A camera failure (the camera is released). */
  error: CustomEvent<CameraError>;
  /** A camera was opened (first start, restart or switch). */
  camera: CustomEvent<CameraSession>;
  /**
   * The scanner let go of a camera: every track ended and the preview is detached (after `stop()`,
   * a hidden page or a failure at once; after a read in the tasks right after the `read` event).
   */
  release: CustomEvent<null>;
}

/** Options of {@link MrzCameraScanner}. */
export interface MrzCameraScannerOptions {
  /** The element showing the preview; the scanner sets its `srcObject` and plays it. */
  readonly video: HTMLVideoElement;
  /** Reads frames (normally `createWorkerFrameReader()`). The scanner never disposes it. */
  readonly reader: FrameReader;
  /** Factory of a fresh voter for each scan. */
  readonly createVoter: () => FrameVoter;
  /** Formats to accept. Default: all. */
  formats?: readonly MrzFormat[];
  /** Keep scanning after a read (a new event only for a different MRZ). Default false. */
  continuous?: boolean;
  /** Camera to open. Default: the rear camera. */
  deviceId?: string;
  /** Accept ICAO specimens. Default false. */
  allowSpecimen?: boolean;
  /**
   * Longest side of the frames the engine reads while scanning (frames are downscaled in the worker).
   * Smaller is faster; a document filling the guide frame keeps 15+ px per MRZ character at the
   * default 960. While nothing is found, every other frame goes at full resolution, so small or
   * distant documents are still read. Default 960.
   */
  maxFrameSide?: number;
  /**
   * Milliseconds the engine may spend on a frame while the picture moves and no MRZ is in view (0: no
   * limit). Default 250. A frame that reads nothing valid tries look after look (the synthetic
   * bench's median such frame: 0.8 s); by then a document still moving into place has newer, sharper
   * frames. The worker lifts the limit for a frame whose thumbnail differs from the previous frame's
   * by no more than `MOTION_LEVEL` (the picture holds still: a document that only reads slowly); the
   * first frame of a scan has nothing to compare with. Once a frame reads something (the MRZ is in
   * view), or {@link OUT_OF_TIME_IN_A_ROW} frames in a row ran out of time, the next frame has no limit.
   */
  frameBudgetMs?: number;
  /** Part of the frame to read (frame pixels), e.g. around the guide. Default: whole frame. */
  region?: (frameWidth: number, frameHeight: number) => FrameRect | undefined;
  /** Camera opener (tests). Default {@link openCamera}. */
  readonly open?: (options: OpenCameraOptions) => Promise<CameraSession>;
  /** Extra camera options (resolution, injected mediaDevices). */
  readonly cameraOptions?: Omit<OpenCameraOptions, 'deviceId' | 'signal'>;
  /** Document whose visibility pauses the scanner. Default `document`. */
  readonly document?: Document;
}

/** True for ICAO specimen documents (issuer or nationality `UTO`). */
export function isSpecimen(result: MrzResult): boolean {
  return result.fields.issuingState === 'UTO' || result.fields.nationality === 'UTO';
}

/** Consecutive frames without an MRZ in view after which the status falls back to `searching`. */
const MISSES_BEFORE_SEARCHING = 4;

/**
 * Once `closer`, how much wider than `MRZ_READABLE_PITCH` a reading's characters must be for the status to
 * go back to `holding`: a document held near the bar does not make the status (and the screen reader) flicker.
 */
const NEAR_AGAIN = 1.1;

/** Once `steady`, the share of `MRZ_BLURRED` a print's blur must fall under to go back to `holding` (as NEAR_AGAIN). */
const SHARP_AGAIN = 0.9;

/**
 * Frames in a row that must read the same print breaking its own rules before the scanner says
 * so (status `misprint`): one frame could be a misreading, however sure.
 */
export const MISPRINT_FRAMES = 2;

/** Default of {@link MrzCameraScannerOptions.frameBudgetMs}. */
export const DEFAULT_FRAME_BUDGET_MS = 250;

/** Frames in a row that ran out of their budget after which the next frame has none. */
export const OUT_OF_TIME_IN_A_ROW = 3;

/** Live MRZ scanner over a camera and a frame reader. */
export class MrzCameraScanner extends TypedEventTarget<MrzCameraScannerEventMap> {
  /** The options; `continuous`, `formats`, `allowSpecimen` may be changed while running. */
  readonly options: MrzCameraScannerOptions;
  #status: ScanStatus = 'idle';
  #camera: CameraSession | null = null;
  #pump: FramePump | null = null;
  #voter: FrameVoter | null = null;
  #abort: AbortController | null = null;
  /** Frames in a row without a read (full-resolution frames alternate after two). */
  #misses = 0;
  /** Frames in a row with neither a read nor a sighting: after MISSES_BEFORE_SEARCHING the MRZ left the view. */
  #unseen = 0;
  /** Frames in a row that ran out of their time budget (see `frameBudgetMs`). */
  #outOfTime = 0;
  /** The last frame's thumbnail, for the worker to tell a still picture (see `frameBudgetMs`). */
  #thumbnail: Uint8Array | null = null;
  #lastEmitted: string | null = null;
  /** The text of the last frames that read a print breaking its own rules, and how many in a row. */
  #misprint: { key: string; frames: number } | null = null;
  #lastResult: MrzImageResult | null = null;
  /** Corners of the MRZ in the last answered frame (frame pixels), or null. */
  #track: readonly Point[] | null = null;
  #startedAt: number | null = null;
  #listening = false;
  #generation = 0;
  #frameNo = 0;
  /** Frames with a read pushed to the current voter (0: the next frame cannot settle a vote of two). */
  #voted = 0;
  /** Whether the frame now with the reader was asked for a band crop. */
  #cropAsked = false;
  /** Teardown calls of a released scan still to run (`#detach`), one per task after a read. */
  #teardown: (() => void)[] = [];
  /** Whether `#teardown` ends a camera session (then `release` follows it). */
  #teardownCamera = false;
  #teardownTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: MrzCameraScannerOptions) {
    super();
    this.options = options;
  }

  /** Current status. */
  get status(): ScanStatus {
    return this.#status;
  }

  /** The open camera, or null. */
  get camera(): CameraSession | null {
    return this.#camera;
  }

  /** Pump counters of the current scan (null before the first start). */
  get stats(): FramePumpStats | null {
    return this.#pump?.stats ?? null;
  }

  /** The last per-frame engine result (for outlines), or null. */
  get lastResult(): MrzImageResult | null {
    return this.#lastResult;
  }

  /** True while the camera is open or opening. */
  get active(): boolean {
    return this.#status === 'starting' || this.#status === 'searching' || this.#status === 'holding' || this.#status === 'closer' ||
      this.#status === 'steady' || this.#status === 'misprint' || (this.#status === 'read' && this.#camera !== null);
  }

  #setStatus(status: ScanStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    this.emit('status', status);
  }

  /**
   * Opens the camera and starts reading. Resolves once frames flow; rejects with a
   * {@link CameraError} (also dispatched as `error`). Calling it while active is a no-op.
   */
  async start(): Promise<void> {
    this.#finishTeardown();
    if (this.active) return;
    const generation = ++this.#generation;
    this.#listen();
    this.#setStatus('starting');
    this.#abort = new AbortController();
    // Camera frames follow shortly: a warm-up not yet begun would only delay the first of them.
    this.options.reader.beginScan?.();
    const open = this.options.open ?? openCamera;
    let camera: CameraSession;
    try {
      camera = await open({
        ...this.options.cameraOptions,
        ...(this.options.deviceId ? { deviceId: this.options.deviceId } : {}),
        signal: this.#abort.signal,
      });
    } catch (error) {
      if (generation !== this.#generation) return; // stopped meanwhile
      this.#fail(toCameraError(error));
      throw toCameraError(error);
    }
    if (generation !== this.#generation) {
      camera.stop();
      return;
    }
    this.#attach(camera);
    this.#startedAt = performance.now();
    this.#voter = this.options.createVoter();
    this.#voted = 0;
    this.#misses = 0;
    this.#unseen = 0;
    this.#outOfTime = 0;
    this.#thumbnail = null;
    this.#track = null;
    this.#lastEmitted = null;
    this.#misprint = null;
    this.#pump?.stop();
    this.#pump = new FramePump({
      video: this.options.video,
      reader: this.options.reader,
      track: () => this.#camera?.stream.getVideoTracks()[0],
      request: (w, h) => {
        // Once a frame found the MRZ, the next frames read only around it (the confirming frame is then
        // a fraction of the pixels); a frame without it drops the window again.
        const region = this.options.region?.(w, h) ?? this.#trackRegion(w, h);
        // Fast, downscaled frames; while nothing is found, alternate with full-resolution frames.
        const full = this.#misses >= 2 && this.#frameNo++ % 2 === 1;
        // The band crop (a JPEG encode in the worker) only where the frame may settle the vote: not
        // the first frame with a read, which no vote of two frames settles.
        this.#cropAsked = this.#voted > 0;
        // A time limit only while nothing is in view, not after OUT_OF_TIME_IN_A_ROW cut frames, and
        // (the worker decides, against the last thumbnail) not while the picture holds still. The
        // thumbnails only of such frames: a tracking region's would be of another part of the frame.
        const budget = this.options.frameBudgetMs ?? DEFAULT_FRAME_BUDGET_MS;
        const searching = budget > 0 && this.#track === null;
        const limited = searching && this.#outOfTime < OUT_OF_TIME_IN_A_ROW;
        return {
          maxSide: full ? Math.max(w, h) : (this.options.maxFrameSide ?? 960),
          cropBand: this.#cropAsked,
          ...(limited ? { budgetMs: budget, ...(this.#thumbnail ? { previousThumbnail: this.#thumbnail } : {}) } : {}),
          ...(searching ? { thumbnail: true } : {}),
          ...(region ? { region } : {}),
          ...(this.options.formats ? { formats: this.options.formats } : {}),
          ...(this.options.allowSpecimen ? { allowSpecimen: true } : {}),
        };
      },
      onResponse: (response) => this.#onResponse(response),
    });
    // Reading starts with the camera, not after the preview plays: in track mode the worker takes
    // frames from the track itself; in video mode the pump waits for the first presented frame.
    this.#pump.start();
    try {
      await this.#play();
    } catch (error) {
      if (generation !== this.#generation) return;
      const e = new CameraError('camera_in_use', 'video preview could not play', { cause: error });
      this.#fail(e);
      throw e;
    }
    if (generation !== this.#generation) return;
    if (this.#status === 'starting') this.#setStatus('searching');
  }

  /** Stops reading and releases the camera (every track ends). Idempotent. */
  stop(): void {
    this.#release();
    this.#unlisten();
    if (this.#status !== 'error') this.#setStatus('idle');
  }

  /** Switches to another camera while running (or just remembers it when idle). */
  async switchCamera(deviceId: string): Promise<void> {
    this.#finishTeardown();
    this.options.deviceId = deviceId;
    if (!this.#camera) return;
    this.#pump?.stop();
    try {
      await this.#camera.switchCamera(deviceId);
      this.options.video.srcObject = this.#camera.stream;
      await this.#play();
      this.#resetVote();
      this.#pump?.start();
      this.emit('camera', this.#camera);
    } catch (error) {
      this.#fail(toCameraError(error));
      throw toCameraError(error);
    }
  }

  /** Milliseconds since frames started flowing for the current scan, or null. */
  get elapsed(): number | null {
    return this.#startedAt === null ? null : performance.now() - this.#startedAt;
  }

  #attach(camera: CameraSession): void {
    this.#camera = camera;
    camera.addEventListener('ended', (event) => {
      // (A camera whose release is queued is ending anyway.)
      if (this.#camera !== camera || this.#teardown.length > 0) return;
      this.#fail(event.detail);
    });
    const video = this.options.video;
    video.muted = true;
    video.playsInline = true;
    video.setAttribute('playsinline', '');
    video.srcObject = camera.stream;
    this.emit('camera', camera);
  }

  async #play(): Promise<void> {
    const video = this.options.video;
    await video.play();
  }

  #onResponse(response: FrameReadResponse): void {
    const { result, band, sighting } = response;
    this.emit('frame', response);
    this.#lastResult = result;
    this.#track = result ? result.corners : null;
    this.#outOfTime = response.outOfTime ? this.#outOfTime + 1 : 0;
    this.#thumbnail = response.thumbnail ?? null;
    if (!result) {
      this.#misses++;
      this.#voter?.push(null);
      // An MRZ in view that no look could read: the document has not left.
      this.#unseen = sighting ? 0 : this.#unseen + 1;
      if (sighting) this.#inView(response);
      else if (this.#unseen >= MISSES_BEFORE_SEARCHING) {
        // The document left the view: in continuous mode the same MRZ may be read again.
        this.#lastEmitted = null;
        this.#misprint = null;
        this.#resetVote();
        if (this.#status === 'holding' || this.#status === 'closer' || this.#status === 'steady' || this.#status === 'misprint') this.#setStatus('searching');
      }
      return;
    }
    this.#misses = 0;
    this.#unseen = 0;
    const voter = this.#voter;
    if (!voter) {
      return;
    }
    voter.push(result);
    this.#voted++;
    const stable = voter.stable();
    // A voter that settles on a frame without a crop (one agreeing frame is enough for it): the
    // next frame, asked for its crop, settles it again.
    if (!stable || !stable.valid || (!this.options.allowSpecimen && isSpecimen(stable)) || (!band && !this.#cropAsked)) {
      if (!this.#misprinted(result)) this.#inView(response);
      return;
    }
    this.#misprint = null;
    const key = stable.lines.join('\n');
    if (key === this.#lastEmitted) {
      return;
    }
    this.#lastEmitted = key;
    // The voted text with this frame's geometry.
    const read: MrzImageResult = { ...result, ...stable, corners: result.corners, timings: result.timings };
    // Reading stops now; the camera teardown (native calls of several ms each) runs after the event.
    if (!this.options.continuous) this.#detach();
    this.#setStatus('read');
    this.emit('read', { result: read, band });
    if (!this.options.continuous) this.#scheduleTeardown();
    else {
      this.#resetVote();
      // Stay in 'read' until the next frame changes it.
      queueMicrotask(() => {
        if (this.#status === 'read' && this.#camera) this.#setStatus('holding');
      });
    }
  }

  /**
   * Counts the frames that read the same print breaking its own rules (frames without a reading
   * do not break the run, another reading does); at
   * {@link MISPRINT_FRAMES}, status `misprint` and the `misprint` event (once per text). False when
   * this frame's result is no such print, or too few frames read it yet.
   */
  #misprinted(result: MrzImageResult): boolean {
    if (!breaksOwnRules(result)) {
      this.#misprint = null;
      return false;
    }
    const key = result.lines.join('\n');
    const frames = this.#misprint?.key === key ? this.#misprint.frames + 1 : 1;
    this.#misprint = { key, frames };
    if (frames < MISPRINT_FRAMES) return false;
    if (frames === MISPRINT_FRAMES) this.emit('misprint', result);
    this.#setStatus('misprint');
    return true;
  }

  /**
   * An MRZ is in view, not (yet) read: when the frame saw it without a valid read, `closer` if its
   * characters are too small to read (see MRZ_READABLE_PITCH), else `steady` if its print is blurred
   * (see MRZ_BLURRED); else `holding`. Also while `starting`: frames flow before the preview's play()
   * resolves, and the first of them may already see the MRZ.
   */
  #inView({ sighting }: FrameReadResponse): void {
    const status = this.#status;
    if (status !== 'starting' && status !== 'searching' && status !== 'holding' && status !== 'closer' && status !== 'steady' && status !== 'misprint') return;
    if (!sighting) return this.#setStatus('holding');
    const small = MRZ_READABLE_PITCH * (status === 'closer' ? NEAR_AGAIN : 1);
    const blurred = MRZ_BLURRED * (status === 'steady' ? SHARP_AGAIN : 1);
    if (sighting.pitch < small) this.#setStatus('closer');
    else if (sighting.blur >= blurred) this.#setStatus('steady');
    else this.#setStatus('holding');
  }

  #resetVote(): void {
    this.#voter?.reset();
    this.#voted = 0;
  }

  #fail(error: CameraError): void {
    this.#release();
    this.#unlisten();
    this.#setStatus('error');
    this.emit('error', error);
  }

  /** Where to read the next frame: around the MRZ of the last frame (`trackingRegion`), or undefined when it found none. */
  #trackRegion(w: number, h: number): FrameRect | undefined {
    return this.#track ? trackingRegion(this.#track, w, h) : undefined;
  }

  /** Ends the scan now: stops the pump and every camera track, detaches the preview. */
  #release(): void {
    this.#detach();
    this.#finishTeardown();
  }

  /**
   * Ends the scan without the slow part: no frame is read or answered after this; the native
   * teardown (the worker's copy of the track, the camera tracks, the preview) is queued in
   * `#teardown`, one call per step, for `#scheduleTeardown` or `#finishTeardown`. `camera` stays
   * set until its tracks have ended.
   */
  #detach(): void {
    this.#generation++;
    this.#abort?.abort();
    this.#abort = null;
    const pump = this.#pump;
    const camera = this.#camera;
    pump?.halt();
    this.#track = null;
    this.#voter = null;
    const video = this.options.video;
    const stream = video.srcObject;
    const steps = this.#teardown;
    if (pump) steps.push(() => pump.stop());
    if (camera) {
      steps.push(() => {
        camera.stop();
        if (this.#camera === camera) this.#camera = null;
      });
    }
    if (stream) {
      // Only while the preview still shows this stream (a new start() attaches another).
      steps.push(() => {
        if (video.srcObject === stream) video.pause();
      });
      steps.push(() => {
        if (video.srcObject === stream) video.srcObject = null;
      });
    }
    if (camera) this.#teardownCamera = true;
  }

  /** Runs the queued teardown one step per task (each a native call that may take a while). */
  #scheduleTeardown(): void {
    if (this.#teardownTimer !== null || this.#teardown.length === 0) return;
    this.#teardownTimer = setTimeout(() => {
      this.#teardownTimer = null;
      this.#runTeardownStep();
      if (this.#teardown.length > 0) this.#scheduleTeardown();
      else this.#teardownDone();
    }, 0);
  }

  /** Runs whatever teardown is still queued, now (stop(), a new start(), a hidden page). */
  #finishTeardown(): void {
    if (this.#teardownTimer !== null) clearTimeout(this.#teardownTimer);
    this.#teardownTimer = null;
    if (this.#teardown.length === 0) return;
    while (this.#teardown.length > 0) this.#runTeardownStep();
    this.#teardownDone();
  }

  #runTeardownStep(): void {
    try {
      this.#teardown.shift()?.();
    } catch {
      /* one failed call must not keep the others (and the camera light) from ending */
    }
  }

  #teardownDone(): void {
    if (!this.#teardownCamera) return;
    this.#teardownCamera = false;
    this.emit('release', null);
  }

  #doc(): Document | null {
    return this.options.document ?? (typeof document !== 'undefined' ? document : null);
  }

  #onVisibility = (): void => {
    const doc = this.#doc();
    if (!doc) return;
    if (doc.visibilityState === 'hidden') {
      this.#finishTeardown();
      if (this.active) {
        this.#release();
        this.#setStatus('paused');
      }
    } else if (this.#status === 'paused') {
      this.start().catch(() => {
        /* reported through the error event */
      });
    }
  };

  #onPageHide = (): void => {
    this.#finishTeardown();
    if (this.active || this.#status === 'paused') {
      this.#release();
      this.#setStatus('paused');
    }
  };

  #listen(): void {
    if (this.#listening) return;
    const doc = this.#doc();
    doc?.addEventListener('visibilitychange', this.#onVisibility);
    doc?.defaultView?.addEventListener('pagehide', this.#onPageHide);
    this.#listening = true;
  }

  #unlisten(): void {
    if (!this.#listening) return;
    const doc = this.#doc();
    doc?.removeEventListener('visibilitychange', this.#onVisibility);
    doc?.defaultView?.removeEventListener('pagehide', this.#onPageHide);
    this.#listening = false;
  }
}
