/**
 * Camera access over `getUserMedia`: rear camera preferred, high resolution requested, device list,
 * switching, torch and continuous focus where the track supports them, and a clean stop that always
 * ends every track (the camera light goes off).
 * @module
 */
import { CameraError, toCameraError } from './errors.ts';
import { TypedEventTarget } from './typed-event-target.ts';

/** A video input the browser reports. `label` is empty until the person has granted access once. */
export interface CameraDevice {
  /** Pass to `openCamera({ deviceId })`. */
  readonly deviceId: string;
  /** Name shown by the system (empty before permission is granted). */
  readonly label: string;
  /** Devices of one physical unit share it. */
  readonly groupId: string;
}

/** Options of {@link openCamera}. */
export interface OpenCameraOptions {
  /** Exact device to open (from {@link listCameras}); when absent the rear camera is preferred. */
  deviceId?: string;
  /** Preferred facing when no `deviceId` is given. Default `'environment'` (rear camera). */
  facingMode?: 'environment' | 'user';
  /** Ideal capture width in pixels. Default 1920. */
  width?: number;
  /** Ideal capture height in pixels. Default 1080. */
  height?: number;
  /** Ideal frame rate. Default 30. */
  frameRate?: number;
  /** Aborts a pending open; a stream that arrives after abort is stopped at once. */
  signal?: AbortSignal;
  /** Injected `MediaDevices` (tests, iframes). Default `navigator.mediaDevices`. */
  mediaDevices?: MediaDevices;
}

/** Track capabilities beyond the DOM lib typings (Image Capture extensions). */
interface ExtendedCapabilities extends MediaTrackCapabilities {
  torch?: boolean;
  focusMode?: string[];
}

/** Constraint set with the Image Capture extensions the DOM lib typings lack. */
interface ExtendedConstraintSet extends MediaTrackConstraintSet {
  torch?: boolean;
  focusMode?: string;
}

/** Event map of {@link CameraSession}. */
export interface CameraSessionEventMap {
  /** The video track ended by itself (device unplugged, revoked): `detail` is a `device_lost` error. */
  ended: CustomEvent<CameraError>;
  /** A new stream replaced the old one (after {@link CameraSession.switchCamera}). */
  streamchange: CustomEvent<MediaStream>;
}

function mediaDevicesOrThrow(injected?: MediaDevices): MediaDevices {
  if (injected) return injected;
  if (typeof isSecureContext === 'boolean' && !isSecureContext) {
    throw new CameraError('insecure_context', 'camera needs a secure context (https or localhost)');
  }
  const md = typeof navigator !== 'undefined' ? navigator.mediaDevices : undefined;
  if (!md || typeof md.getUserMedia !== 'function') {
    throw new CameraError('unsupported', 'navigator.mediaDevices.getUserMedia is not available');
  }
  return md;
}

/** Stops every track of `stream` (idempotent). */
export function stopStream(stream: MediaStream | null | undefined): void {
  if (!stream) return;
  for (const track of stream.getTracks()) track.stop();
}

/**
 * Lists the video inputs. Labels are empty until camera permission was granted once.
 * @throws {CameraError} `insecure_context` or `unsupported` when the API is missing.
 */
export async function listCameras(mediaDevices?: MediaDevices): Promise<CameraDevice[]> {
  const md = mediaDevicesOrThrow(mediaDevices);
  const devices = await md.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'videoinput')
    .map((d) => ({ deviceId: d.deviceId, label: d.label, groupId: d.groupId }));
}

/** Builds the `getUserMedia` video constraints for `options`. Exported for tests. */
export function buildVideoConstraints(options: OpenCameraOptions = {}): MediaTrackConstraints {
  const video: MediaTrackConstraints = {
    width: { ideal: options.width ?? 1920 },
    height: { ideal: options.height ?? 1080 },
    frameRate: { ideal: options.frameRate ?? 30 },
  };
  if (options.deviceId) video.deviceId = { exact: options.deviceId };
  else video.facingMode = { ideal: options.facingMode ?? 'environment' };
  return video;
}

async function getStream(md: MediaDevices, options: OpenCameraOptions): Promise<MediaStream> {
  if (options.signal?.aborted) throw new DOMException('aborted', 'AbortError');
  let stream: MediaStream;
  try {
    stream = await md.getUserMedia({ video: buildVideoConstraints(options), audio: false });
  } catch (error) {
    throw toCameraError(error);
  }
  if (options.signal?.aborted) {
    stopStream(stream);
    throw new DOMException('aborted', 'AbortError');
  }
  const track = stream.getVideoTracks()[0];
  if (!track) {
    stopStream(stream);
    throw new CameraError('no_camera', 'stream has no video track');
  }
  return stream;
}

/**
 * A running camera. Always call {@link CameraSession.stop} when done: it stops every track it ever
 * opened. Listen to `ended` for a device lost mid-scan.
 */
export class CameraSession extends TypedEventTarget<CameraSessionEventMap> {
  #stream: MediaStream;
  #options: OpenCameraOptions;
  #md: MediaDevices;
  #stopped = false;
  #torch = false;

  /** @internal Use {@link openCamera}. */
  constructor(stream: MediaStream, md: MediaDevices, options: OpenCameraOptions) {
    super();
    this.#stream = stream;
    this.#md = md;
    this.#options = options;
    this.#watch(stream);
  }

  /** The current stream (replaced by {@link switchCamera}). */
  get stream(): MediaStream {
    return this.#stream;
  }

  /** The current video track. */
  get track(): MediaStreamTrack {
    const track = this.#stream.getVideoTracks()[0];
    if (!track) throw new CameraError('device_lost', 'no video track');
    return track;
  }

  /** Device id of the open camera (from the track settings). */
  get deviceId(): string | undefined {
    return this.track.getSettings().deviceId;
  }

  /** Width × height actually delivered. */
  get resolution(): {
    /** Width in pixels (0 when unknown). */
    width: number;
    /** Height in pixels (0 when unknown). */
    height: number;
  } {
    const s = this.track.getSettings();
    return { width: s.width ?? 0, height: s.height ?? 0 };
  }

  /** True once {@link stop} ran; a stopped session cannot be restarted (open a new one). */
  get stopped(): boolean {
    return this.#stopped;
  }

  #capabilities(): ExtendedCapabilities {
    const track = this.track;
    return typeof track.getCapabilities === 'function' ? (track.getCapabilities() as ExtendedCapabilities) : {};
  }

  /** True when the track offers a torch (most Android rear cameras; not desktop webcams). */
  get torchSupported(): boolean {
    return this.#capabilities().torch === true;
  }

  /** Whether the torch is on (as last set through {@link setTorch}). */
  get torch(): boolean {
    return this.#torch;
  }

  /** True when the track supports continuous auto-focus. */
  get continuousFocusSupported(): boolean {
    return this.#capabilities().focusMode?.includes('continuous') === true;
  }

  /**
   * Switches the torch. Resolves to the new state; resolves `false` (no throw) where unsupported.
   */
  async setTorch(on: boolean): Promise<boolean> {
    if (this.#stopped || !this.torchSupported) return false;
    const advanced: ExtendedConstraintSet[] = [{ torch: on }];
    try {
      await this.track.applyConstraints({ advanced });
      this.#torch = on;
    } catch {
      this.#torch = false;
    }
    return this.#torch;
  }

  /** Asks for continuous focus where supported. Resolves `true` when applied. */
  async applyContinuousFocus(): Promise<boolean> {
    if (this.#stopped || !this.continuousFocusSupported) return false;
    const advanced: ExtendedConstraintSet[] = [{ focusMode: 'continuous' }];
    try {
      await this.track.applyConstraints({ advanced });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Opens another camera. The old tracks are stopped first (many phones cannot run two cameras at
   * once); on failure the session stays stopped-tracks and the error is thrown.
   */
  async switchCamera(deviceId: string): Promise<void> {
    if (this.#stopped) throw new CameraError('device_lost', 'session stopped');
    this.#unwatch(this.#stream);
    stopStream(this.#stream);
    this.#torch = false;
    this.#options = { ...this.#options, deviceId };
    const stream = await getStream(this.#md, this.#options);
    if (this.#stopped) {
      stopStream(stream);
      return;
    }
    this.#stream = stream;
    this.#watch(stream);
    void this.applyContinuousFocus();
    this.emit('streamchange', stream);
  }

  /** Stops every track (idempotent). The camera light goes off. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#unwatch(this.#stream);
    stopStream(this.#stream);
  }

  #onEnded = (): void => {
    if (this.#stopped) return;
    this.stop();
    this.emit('ended', new CameraError('device_lost', 'video track ended while scanning'));
  };

  #watch(stream: MediaStream): void {
    for (const track of stream.getTracks()) track.addEventListener('ended', this.#onEnded);
  }

  #unwatch(stream: MediaStream): void {
    for (const track of stream.getTracks()) track.removeEventListener('ended', this.#onEnded);
  }
}

/**
 * Opens a camera: the rear one unless `deviceId` says otherwise, at high resolution, with continuous
 * focus where supported.
 *
 * @example
 * ```ts
 * const camera = await openCamera();
 * video.srcObject = camera.stream;
 * // ...
 * camera.stop();
 * ```
 * @throws {CameraError} `permission_denied`, `no_camera`, `camera_in_use`, `insecure_context`, `unsupported`.
 */
export async function openCamera(options: OpenCameraOptions = {}): Promise<CameraSession> {
  const md = mediaDevicesOrThrow(options.mediaDevices);
  const stream = await getStream(md, options);
  const session = new CameraSession(stream, md, options);
  // Aborted while the focus mode is being applied (element removed, page hidden): the light goes
  // off right away, not when the constraint promise settles.
  const onAbort = (): void => session.stop();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await session.applyContinuousFocus();
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (options.signal?.aborted) {
    session.stop();
    throw new DOMException('aborted', 'AbortError');
  }
  return session;
}
