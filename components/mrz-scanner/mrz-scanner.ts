import { LitElement, html, nothing, svg, type PropertyValues } from 'lit';
import { LocalizeController } from '../shared/localize.ts';
import { messages, type ScannerMessageKey } from './messages.ts';
import { styles } from './mrz-scanner.styles.ts';
import { DeskReaderListener } from './desk-reader.ts';
import type { CameraError, CameraErrorCode } from '../../sdk/camera/errors.ts';
import { listCameras, type CameraDevice, type CameraSession } from '../../sdk/camera/camera.ts';
import type { FrameReader } from '../../sdk/camera/frame-reader.ts';
import type { FramePumpStats } from '../../sdk/camera/frame-pump.ts';
import { createWorkerFrameReader } from '../../sdk/camera/worker-reader.ts';
import { MrzCameraScanner, isSpecimen, type FrameVoter, type ScanStatus } from '../../sdk/camera/scanner.ts';
import type { MrzFormat, MrzResult, Point } from '../../sdk/mrz/types.ts';
import { LAYOUTS } from '../../sdk/mrz/formats.ts';
import { parseMrz } from '../../sdk/mrz/parse.ts';
import { MrzVoter } from '../../sdk/mrz/vote.ts';
import { MRZ_BLURRED, MRZ_READABLE_PITCH } from '../../sdk/mrz/region.ts';
import { failsOwnChecks, isOffStandard } from '../../sdk/mrz/interpret.ts';
import { mrzDoubtLines, renderMrzDoubts, type MrzDoubtLine } from '../shared/mrz-doubts.ts';

/** Where a read came from. */
export type MrzReadSource = 'camera' | 'upload' | 'text' | 'keyboard';

/** Detail of `timpora-mrz-read`. */
export interface MrzReadEventDetail {
  /** The parsed, check-digit-verified MRZ. */
  readonly result: MrzResult;
  /** JPEG crop of the MRZ band (camera and upload reads). */
  readonly image?: Blob;
  /** Where the read came from. */
  readonly source: MrzReadSource;
}

/** Codes of scanner failures that are not camera failures. */
export type ScannerInputErrorCode = 'upload_failed' | 'engine';

/** A failure of a fallback input (photo that cannot be decoded, engine that cannot load). */
export class ScannerInputError extends Error {
  /** Always `'ScannerInputError'`. */
  override readonly name = 'ScannerInputError';
  /** Stable code: `upload_failed` or `engine`. */
  readonly code: ScannerInputErrorCode;
  constructor(code: ScannerInputErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? code, options);
    this.code = code;
  }
}

/** Detail of `timpora-mrz-error`. */
export interface MrzErrorEventDetail {
  /** The failure, with a stable `code`. */
  readonly error: CameraError | ScannerInputError;
}

/** Every format the engine knows (its layouts; parse.ts already brings them into the bundle). */
const ALL_FORMATS = Object.keys(LAYOUTS) as readonly MrzFormat[];

const formatsConverter = {
  fromAttribute(value: string | null): MrzFormat[] | undefined {
    if (!value) return undefined;
    const list = value
      .split(/[\s,]+/)
      .map((v) => v.trim().toUpperCase().replace('-', ''))
      .filter((v): v is MrzFormat => (ALL_FORMATS as readonly string[]).includes(v));
    return list.length > 0 ? list : undefined;
  },
  toAttribute(value: readonly MrzFormat[] | undefined): string | null {
    return value && value.length > 0 ? value.join(' ') : null;
  },
};

/** Guide rectangle in frame coordinates: a passport-page-shaped box centred in the frame. */
function guideRect(w: number, h: number): { x: number; y: number; width: number; height: number } {
  let width = w * 0.86;
  let height = width / 1.42;
  if (height > h * 0.86) {
    height = h * 0.86;
    width = height * 1.42;
  }
  return { x: (w - width) / 2, y: (h - height) / 2, width, height };
}

/**
 * Why a photo's reading was not taken: a check digit fails, the text is off the standard, every
 * check passes but some characters were not read surely enough (under the engine's confidence
 * bar), or it is a specimen the element does not accept.
 */
function refusedPhotoMessage(result: MrzResult): ScannerMessageKey {
  if (failsOwnChecks(result)) return 'status.misprint';
  if (isOffStandard(result)) return 'status.offStandard';
  return result.valid ? 'status.textInvalid' : 'status.uploadUnsure';
}

/**
 * Reads the machine-readable zone (MRZ) of passports, ID cards and visas: live from the camera, from
 * an uploaded or dropped photo, from pasted or typed lines, or from a desk MRZ reader that types
 * the lines as keyboard input. The camera is released on `stop()`, when the element is removed,
 * when the page is hidden or left (`pagehide`) and after a read (unless `continuous`); while it is
 * open, a "Kamera menyala" / "Camera on" badge is shown over the preview. The engine runs in a Web
 * Worker that starts (and warms up) as soon as the element is connected. When an MRZ is in view but
 * its letters are too small to read reliably, the status line asks (and announces) to bring the
 * document closer to the camera (status `closer`); when they are large enough but blurred by a shaking
 * hand or the focus, to hold the document and the camera still (status `steady`). When frames read the
 * MRZ surely but its own check digits fail (a misprinted or altered MRZ), or they pass and the MRZ is
 * still off the standard (an unknown nationality code), the status line says which (status `misprint`)
 * and the text box shows the lines as read, to compare with the document; no read event is sent.
 *
 * @summary MRZ scanner with camera, photo, text and desk-reader inputs.
 *
 * @event timpora-mrz-read - A complete, check-digit-valid MRZ was read. `detail: MrzReadEventDetail`
 *   (`{ result, image?, source }`). Bubbles, composed.
 * @event timpora-mrz-error - The camera or a fallback failed. `detail: MrzErrorEventDetail` (`{ error }` with a
 *   stable `code`). Bubbles, composed.
 *
 * @attr formats - Space-separated formats to accept (`TD1 TD2 TD3 MRVA MRVB FRA_ID`). Default: all.
 * @attr continuous - Keep scanning after a read; a new event only for a different MRZ.
 * @attr camera - `deviceId` of the camera to use. Default: the rear camera.
 * @attr autostart - Start the camera when connected.
 * @attr desk-reader - Listen for desk MRZ readers typing on the page (document-level key capture).
 * @attr allow-specimen - Accept ICAO specimen documents (issuer `UTO`).
 * @attr frame-budget - Milliseconds the engine may spend on a camera frame while the picture moves and
 *   no MRZ is in view (`frameBudgetMs` of the SDK scanner). Default 250; `0`: no limit.
 * @attr lang - `id` (default) or `en`; inherited from ancestors when absent.
 *
 * @csspart base - The wrapper.
 * @csspart viewport - The preview box (video and overlay).
 * @csspart live-indicator - "Camera on" badge shown (with text) exactly while the camera is open.
 * @csspart video - The camera preview.
 * @csspart overlay - The SVG over the preview.
 * @csspart guide - The guide frame.
 * @csspart outline - The detected MRZ outline.
 * @csspart status - The status line (a polite live region).
 * @csspart error - The error message.
 * @csspart controls - Camera buttons and camera choice.
 * @csspart button - Every button.
 * @csspart camera-select - The camera `<select>`.
 * @csspart fallbacks - The group of other inputs.
 * @csspart dropzone - The photo upload and drop area.
 * @csspart textarea - The MRZ text box.
 * @csspart mrz-doubts - For a photo read under the confidence bar, the lines with the characters no check digit protects that were read with less certainty marked (`<mark>`).
 *
 * @cssproperty --timpora-mrz-scanner-accent - Button and focus accent colour.
 * @cssproperty --timpora-mrz-scanner-guide-color - Colour of the guide frame.
 * @cssproperty --timpora-mrz-scanner-outline-color - Colour of the detected MRZ outline.
 * @cssproperty --timpora-mrz-scanner-radius - Corner radius.
 * @cssproperty --timpora-mrz-scanner-background - Background.
 * @cssproperty --timpora-mrz-scanner-color - Text colour.
 * @cssproperty --timpora-mrz-scanner-aspect-ratio - Aspect ratio of the preview box (default 4 / 3).
 * @cssproperty --timpora-mrz-scanner-max-width - Maximum width (default 40rem).
 */
export class TimporaMrzScanner extends LitElement {
  /** @internal */
  static override styles = styles;

  /** Lit reactive property declarations (documented on each field below). @internal */
  static override properties = {
    formats: { converter: formatsConverter, reflect: true },
    continuous: { type: Boolean, reflect: true },
    camera: { type: String, reflect: true },
    autostart: { type: Boolean, reflect: true },
    deskReader: { type: Boolean, reflect: true, attribute: 'desk-reader' },
    allowSpecimen: { type: Boolean, reflect: true, attribute: 'allow-specimen' },
    frameBudget: { type: Number, reflect: true, attribute: 'frame-budget' },
    _status: { state: true, attribute: false },
    _error: { state: true, attribute: false },
    _message: { state: true, attribute: false },
    _announce: { state: true, attribute: false },
    _devices: { state: true, attribute: false },
    _frame: { state: true, attribute: false },
    _outline: { state: true, attribute: false },
    _torch: { state: true, attribute: false },
    _torchSupported: { state: true, attribute: false },
    _dragging: { state: true, attribute: false },
    _text: { state: true, attribute: false },
    _doubts: { state: true, attribute: false },
  };

  /** Formats to accept; undefined means all. */
  declare formats: MrzFormat[] | undefined;
  /** Keep scanning after a read. */
  declare continuous: boolean;
  /** `deviceId` of the camera to use; empty for the rear camera. */
  declare camera: string;
  /** Start the camera when connected. */
  declare autostart: boolean;
  /** Capture desk MRZ readers typing on the page. */
  declare deskReader: boolean;
  /** Accept ICAO specimens. */
  declare allowSpecimen: boolean;
  /** Milliseconds a camera frame may take while the picture moves and no MRZ is in view; undefined: 250; 0: no limit. */
  declare frameBudget: number | undefined;

  /**
   * The frame reader (JS property only). Default: the real MRZ engine in a Web Worker, created on
   * first use and terminated when the element is removed. Set before `start()` to use another.
   */
  reader: FrameReader | null = null;

  /**
   * Factory of the multi-frame voter (JS property only). Default: `MrzVoter` from sdk/mrz (two
   * agreeing valid frames within the last eight, or votes fused per character that correct to a valid read).
   */
  createVoter: () => FrameVoter = () => new MrzVoter({ allowSpecimen: this.allowSpecimen });

  declare private _status: ScanStatus | 'reading';
  declare private _error: CameraErrorCode | ScannerInputErrorCode | null;
  declare private _message: ScannerMessageKey | null;
  declare private _announce: string;
  declare private _devices: CameraDevice[];
  declare private _frame: { width: number; height: number } | null;
  declare private _outline: readonly Point[] | null;
  declare private _torch: boolean;
  declare private _torchSupported: boolean;
  declare private _dragging: boolean;
  declare private _text: string;
  /** The unsure characters of a photo's reading shown in the text box, marked while its message stands. */
  declare private _doubts: readonly MrzDoubtLine[];

  private readonly l10n = new LocalizeController(this);
  private scanner: MrzCameraScanner | null = null;
  private ownReader: FrameReader | null = null;
  private readonly desk = new DeskReaderListener({
    onLines: (lines) => this.readLines(lines, 'keyboard'),
    isOwnTarget: (target) => target === this.renderRoot.querySelector('textarea'),
  });
  private announcedHolding = false;
  /** What the `misprint` status says of the print in view: its check digits fail, or it is off-standard. */
  private misprintKey: ScannerMessageKey = 'status.misprint';

  constructor() {
    super();
    this.formats = undefined;
    this.continuous = false;
    this.camera = '';
    this.autostart = false;
    this.deskReader = false;
    this.allowSpecimen = false;
    this.frameBudget = undefined;
    this._status = 'idle';
    this._error = null;
    this._message = null;
    this._announce = '';
    this._devices = [];
    this._frame = null;
    this._outline = null;
    this._torch = false;
    this._torchSupported = false;
    this._dragging = false;
    this._text = '';
    this._doubts = [];
  }

  /** Current scanner status (`idle`, `starting`, `searching`, `holding`, `closer`, `steady`, `misprint`, `read`, `paused`, `error`, `reading`). */
  get status(): ScanStatus | 'reading' {
    return this._status;
  }

  /** Frame pump counters of the current or last camera scan (frames offered, processed, skipped), or null. */
  get scanStats(): FramePumpStats | null {
    return this.scanner?.stats ?? null;
  }

  /** The open camera session while scanning, else null (e.g. to inspect its tracks). */
  get cameraSession(): CameraSession | null {
    return this.scanner?.camera ?? null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.deskReader) this.desk.attach(this.ownerDocument);
    // Start the engine worker and its warm-up now (after the first update, so a `reader` set right
    // after the element was added is used): the first camera frame is then read by compiled,
    // warmed-up code instead of paying module load and JIT warm-up after `start()`. The worker's
    // load and warm-up run off the main thread; the warm-up waits a moment first, and a `start()`
    // meanwhile (autostart, a script) skips it, as its steps would delay the first frame.
    void this.updateComplete.then(() => {
      if (!this.isConnected) return;
      try {
        void this.getReader().prepare?.();
      } catch {
        /* no workers: start() reports it */
      }
    });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.desk.detach();
    this.scanner?.stop();
    this.scanner = null;
    this.ownReader?.dispose();
    this.ownReader = null;
  }

  override firstUpdated(): void {
    if (this.autostart) void this.start().catch(() => undefined);
  }

  override updated(changed: PropertyValues<this>): void {
    this.l10n.refresh();
    if (changed.has('deskReader')) {
      if (this.deskReader && this.isConnected) this.desk.attach(this.ownerDocument);
      else this.desk.detach();
    }
    if (this.scanner) {
      const o = this.scanner.options;
      o.continuous = this.continuous;
      o.allowSpecimen = this.allowSpecimen;
      o.formats = this.formats;
      if (changed.has('camera') && this.camera && this.camera !== o.deviceId && this.scanner.active) {
        void this.scanner.switchCamera(this.camera).catch(() => undefined);
      }
    }
  }

  private t(key: ScannerMessageKey, params: Record<string, string | number> = {}): string {
    return this.l10n.t(messages, key, params);
  }

  private getReader(): FrameReader {
    if (this.reader) return this.reader;
    this.ownReader ??= createWorkerFrameReader();
    return this.ownReader;
  }

  private get video(): HTMLVideoElement {
    const video = this.renderRoot.querySelector('video');
    if (!video) throw new Error('not rendered');
    return video;
  }

  /**
   * Opens the camera and scans until a stable, valid MRZ is read (or until `stop()`).
   * Rejects with a {@link CameraError} (also emitted as `timpora-mrz-error` and shown on screen).
   */
  async start(): Promise<void> {
    await this.updateComplete;
    if (this.scanner?.active) return;
    this._error = null;
    this._message = null;
    this._outline = null;
    this.announcedHolding = false;
    this.scanner?.stop();
    const scanner = new MrzCameraScanner({
      video: this.video,
      reader: this.getReader(),
      createVoter: () => this.createVoter(),
      continuous: this.continuous,
      allowSpecimen: this.allowSpecimen,
      ...(this.formats ? { formats: this.formats } : {}),
      ...(this.camera ? { deviceId: this.camera } : {}),
      ...(this.frameBudget !== undefined && Number.isFinite(this.frameBudget) ? { frameBudgetMs: this.frameBudget } : {}),
      document: this.ownerDocument,
    });
    this.scanner = scanner;
    scanner.addEventListener('status', (e) => {
      if (this.scanner !== scanner) return;
      this.setStatus(e.detail);
    });
    scanner.addEventListener('frame', (e) => {
      if (this.scanner !== scanner) return;
      const { result, sighting, frameWidth, frameHeight } = e.detail;
      if (!this._frame || this._frame.width !== frameWidth || this._frame.height !== frameHeight) {
        this._frame = { width: frameWidth, height: frameHeight };
      }
      // The MRZ read, or seen without a read (too small, say): where it is.
      this._outline = result?.corners ?? sighting?.corners ?? null;
    });
    scanner.addEventListener('camera', (e) => {
      if (this.scanner !== scanner) return;
      const session = e.detail;
      this._torchSupported = session.torchSupported;
      this._torch = false;
      const { width, height } = session.resolution;
      if (width > 0 && height > 0) this._frame = { width, height };
      void this.refreshDevices();
    });
    scanner.addEventListener('misprint', (e) => {
      if (this.scanner !== scanner) return;
      this._text = e.detail.lines.join('\n');
      this.misprintKey = isOffStandard(e.detail) ? 'status.offStandard' : 'status.misprint';
    });
    scanner.addEventListener('read', (e) => {
      if (this.scanner !== scanner) return;
      const { result, band } = e.detail;
      this.emitRead(result, 'camera', band ?? undefined);
    });
    scanner.addEventListener('error', (e) => {
      if (this.scanner !== scanner) return;
      this.showError(e.detail);
    });
    // After a read the camera ends in the tasks after the event: the badge and the button follow it.
    scanner.addEventListener('release', () => {
      if (this.scanner === scanner) this.requestUpdate();
    });
    this.setStatus('starting');
    await scanner.start();
  }

  /** Stops scanning and releases the camera (every track ends). */
  stop(): void {
    this.scanner?.stop();
    this._outline = null;
    this._torch = false;
    if (this._status !== 'error') this.setStatus('idle');
  }

  /**
   * Reads a photo (File/Blob or ImageBitmap): decoded with `createImageBitmap`, read in the worker
   * with all four rotations. Resolves with the result (also emitted) or null.
   */
  async readImage(image: Blob | ImageBitmap): Promise<MrzResult | null> {
    this._error = null;
    this._message = null;
    this.setStatus('reading');
    let frame: ImageBitmap;
    try {
      frame = image instanceof Blob ? await createImageBitmap(image, { imageOrientation: 'from-image' }) : image;
    } catch (error) {
      this.setStatus('idle');
      this.showError(new ScannerInputError('upload_failed', 'image could not be decoded', { cause: error }));
      return null;
    }
    let response;
    try {
      response = await this.getReader().read({
        frame,
        rotations: true,
        cropBand: true,
        ...(this.formats ? { formats: this.formats } : {}),
        ...(this.allowSpecimen ? { allowSpecimen: true } : {}),
      });
    } catch (error) {
      this.setStatus('idle');
      this.showError(new ScannerInputError('engine', 'MRZ engine failed', { cause: error }));
      return null;
    }
    this.setStatus('idle');
    const { result, band, sighting } = response;
    if (!result) {
      // An MRZ seen but not read (see MrzSighting): say so, and why when its characters are too
      // small or its print is blurred (the camera's `closer` and `steady` tests).
      this.setMessage(
        !sighting
          ? 'status.uploadNone'
          : sighting.pitch < MRZ_READABLE_PITCH
            ? 'status.uploadSmall'
            : sighting.blur >= MRZ_BLURRED
              ? 'status.uploadBlurred'
              : 'status.uploadUnread',
      );
      return null;
    }
    if (!result.valid || (!this.allowSpecimen && isSpecimen(result))) {
      // Show what was read so the person can correct it against the document, and why it was not taken.
      this._text = result.lines.join('\n');
      this.setMessage(refusedPhotoMessage(result));
      this._doubts = mrzDoubtLines(result);
      return null;
    }
    this.emitRead(result, 'upload', band ?? undefined);
    return result;
  }

  /**
   * Parses MRZ text (pasted, typed or from a desk reader). Resolves with the result (also emitted)
   * when it is a complete MRZ whose check digits pass, else null (and the page says why).
   */
  readText(text: string, source: 'text' | 'keyboard' = 'text'): MrzResult | null {
    const lines = text
      .toUpperCase()
      .split(/\r?\n/)
      .map((l) => l.replace(/\s+/g, ''))
      .filter((l) => l.length > 0);
    return this.readLines(lines, source);
  }

  private readLines(lines: string[], source: 'text' | 'keyboard'): MrzResult | null {
    let result: MrzResult | null = null;
    try {
      result = parseMrz(lines, { allowSpecimen: this.allowSpecimen });
    } catch {
      result = null;
    }
    if (!result || !result.valid || (this.formats && !this.formats.includes(result.format))) {
      if (source === 'keyboard') this._text = lines.join('\n');
      this.setMessage(result && isOffStandard(result) ? 'status.offStandard' : 'status.textInvalid');
      return null;
    }
    this.emitRead(result, source);
    return result;
  }

  private emitRead(result: MrzResult, source: MrzReadSource, image?: Blob): void {
    this._error = null;
    this._message = null;
    if (source !== 'camera') this.setStatus(this.scanner?.active ? this._status : 'idle');
    this._announce = this.t('status.readFrom', { format: result.format, number: result.fields.documentNumber });
    const detail: MrzReadEventDetail = { result, source, ...(image ? { image } : {}) };
    this.dispatchEvent(new CustomEvent<MrzReadEventDetail>('timpora-mrz-read', { detail, bubbles: true, composed: true }));
  }

  private showError(error: CameraError | ScannerInputError): void {
    this._error = error.code;
    this._outline = null;
    const detail: MrzErrorEventDetail = { error };
    this.dispatchEvent(new CustomEvent<MrzErrorEventDetail>('timpora-mrz-error', { detail, bubbles: true, composed: true }));
  }

  private setMessage(key: ScannerMessageKey): void {
    this._message = key;
    this._announce = this.t(key);
  }

  private setStatus(status: ScanStatus | 'reading'): void {
    this._status = status;
    if (status === 'idle' || status === 'searching' || status === 'error') {
      if (status !== 'searching') this._outline = null;
    }
    // Announce meaningful changes only: the searching/holding flicker would flood screen readers.
    if (status === 'holding') {
      if (this.announcedHolding) return;
      this.announcedHolding = true;
    }
    if (status === 'searching' && this.announcedHolding) return;
    if (status === 'read' || status === 'error' || status === 'idle') return; // announced by emitRead/showError
    this._announce = this.t(this.statusKey(status));
  }

  private statusKey(status: ScanStatus | 'reading'): ScannerMessageKey {
    return status === 'misprint' ? this.misprintKey : (`status.${status}` as ScannerMessageKey);
  }

  private async refreshDevices(): Promise<void> {
    try {
      this._devices = await listCameras();
    } catch {
      this._devices = [];
    }
  }

  private onStartStop(): void {
    if (this.scanner?.active) this.stop();
    else void this.start().catch(() => undefined);
  }

  private async onTorch(): Promise<void> {
    const session = this.scanner?.camera;
    if (!session) return;
    this._torch = await session.setTorch(!this._torch);
  }

  private onCameraChange(event: Event): void {
    this.camera = (event.target as HTMLSelectElement).value;
  }

  private onFileChange(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void this.readImage(file);
  }

  private onDragOver(event: DragEvent): void {
    if (!event.dataTransfer?.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    this._dragging = true;
  }

  private onDrop(event: DragEvent): void {
    event.preventDefault();
    this._dragging = false;
    const file = [...(event.dataTransfer?.files ?? [])].find((f) => f.type.startsWith('image/'));
    if (file) void this.readImage(file);
  }

  private onTextInput(event: Event): void {
    this._text = (event.target as HTMLTextAreaElement).value;
    // The marks were of the photo's reading, no longer the text in the box.
    this._doubts = [];
  }

  private onTextPaste(): void {
    // Read as soon as pasted text forms a valid MRZ; otherwise wait for the button.
    setTimeout(() => {
      const value = this.renderRoot.querySelector('textarea')?.value ?? '';
      this._text = value;
      if (value.trim().split(/\r?\n/).length >= 2) this.readText(value);
    });
  }

  private onTextRead(): void {
    this.readText(this._text);
  }

  private renderOverlay(): unknown {
    const frame = this._frame ?? { width: 1280, height: 720 };
    const g = guideRect(frame.width, frame.height);
    const outline = this._outline;
    return html`<svg
      class="overlay"
      part="overlay"
      viewBox="0 0 ${frame.width} ${frame.height}"
      preserveAspectRatio="xMidYMid slice"
      aria-hidden="true"
    >
      ${svg`<rect class="guide" part="guide" x=${g.x} y=${g.y} width=${g.width} height=${g.height} rx="12"></rect>`}
      ${outline
        ? svg`<polygon class="outline" part="outline" points=${outline.map((p) => `${p.x},${p.y}`).join(' ')}></polygon>`
        : nothing}
    </svg>`;
  }

  private statusText(): string {
    if (this._message) return this.t(this._message);
    switch (this._status) {
      case 'idle':
        return this.t('status.idle');
      case 'error':
        return '';
      default:
        return this.t(this.statusKey(this._status));
    }
  }

  override render(): unknown {
    const active = this.scanner?.active === true;
    // The camera light is on exactly while the scanner holds an open camera session.
    const live = !!this.scanner?.camera;
    const errorKey = this._error ? (`error.${this._error}` as ScannerMessageKey) : null;
    const doubts = this._message === 'status.uploadUnsure' ? this._doubts : [];
    return html`
      <section class="base" part="base" aria-label=${this.t('region.label')}>
        <div class="viewport" part="viewport">
          <video part="video" muted playsinline aria-label=${this.t('video.label')}></video>
          ${this.renderOverlay()}
          ${live
            ? html`<p class="live" part="live-indicator" data-camera="live"><span class="live-dot" aria-hidden="true"></span>${this.t('camera.live')}</p>`
            : nothing}
        </div>
        <p class="status" part="status" aria-hidden="true">${this.statusText()}</p>
        <p class="visually-hidden" role="status" aria-live="polite">${this._announce}</p>
        ${errorKey ? html`<p class="error" part="error" role="alert">${this.t(errorKey)}</p>` : nothing}
        <div class="controls" part="controls">
          <button type="button" part="button" @click=${this.onStartStop}>
            ${active ? this.t('button.stop') : this.t('button.start')}
          </button>
          ${this._torchSupported && active
            ? html`<button
                type="button"
                class="secondary"
                part="button"
                @click=${this.onTorch}
              >
                ${this._torch ? this.t('button.torchOff') : this.t('button.torchOn')}
              </button>`
            : nothing}
          ${this._devices.length > 1
            ? html`<label>
                ${this.t('camera.label')}
                <select part="camera-select" @change=${this.onCameraChange}>
                  ${this._devices.map(
                    (d, i) =>
                      html`<option value=${d.deviceId} ?selected=${d.deviceId === (this.scanner?.camera?.deviceId ?? this.camera)}>
                        ${d.label || this.t('camera.unnamed', { n: i + 1 })}
                      </option>`,
                  )}
                </select>
              </label>`
            : nothing}
        </div>
        <fieldset class="fallbacks" part="fallbacks">
          <legend>${this.t('fallbacks.label')}</legend>
          <div
            class="dropzone ${this._dragging ? 'dragging' : ''}"
            part="dropzone"
            @dragover=${this.onDragOver}
            @dragleave=${() => (this._dragging = false)}
            @drop=${this.onDrop}
          >
            <div class="upload-row">
              <button type="button" class="secondary" part="button" @click=${() => this.renderRoot.querySelector<HTMLInputElement>('input[type=file]')?.click()}>
                ${this.t('button.upload')}
              </button>
              <span>${this.t('upload.drop')}</span>
              <input type="file" accept="image/*" hidden tabindex="-1" @change=${this.onFileChange} />
            </div>
          </div>
          <div>
            <label for="mrz-text">${this.t('text.label')}</label>
            <p class="hint" id="mrz-text-hint">${this.t('text.hint')}</p>
            ${doubts.length
              ? html`<p id="mrz-text-doubts">
                  ${renderMrzDoubts(doubts, (key, params) => this.t(key, params))}
                </p>`
              : nothing}
            <textarea
              id="mrz-text"
              part="textarea"
              rows="3"
              spellcheck="false"
              autocomplete="off"
              autocapitalize="characters"
              aria-describedby=${doubts.length ? 'mrz-text-hint mrz-text-doubts' : 'mrz-text-hint'}
              .value=${this._text}
              @input=${this.onTextInput}
              @paste=${this.onTextPaste}
            ></textarea>
          </div>
          <div class="text-actions">
            <button type="button" class="secondary" part="button" @click=${this.onTextRead}>${this.t('button.readText')}</button>
          </div>
        </fieldset>
      </section>
    `;
  }
}
