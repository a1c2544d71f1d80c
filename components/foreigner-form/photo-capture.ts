/**
 * Optional photo from the camera for `<timpora-foreigner-form>`: `getUserMedia`, a live preview, one frame
 * captured to a JPEG data URL (longest side at most {@link MAX_PHOTO_SIDE} px). The camera is always
 * released: after capture, on cancel, when the page is hidden and when the form is disconnected.
 * @module
 */

/** Longest side of a stored photo in pixels. */
export const MAX_PHOTO_SIDE = 640;

/** Why the camera could not be used. */
export class PhotoCaptureError extends Error {
  /** Stable code: `photo/unsupported`, `photo/denied` or `photo/failed`. */
  readonly code: 'photo/unsupported' | 'photo/denied' | 'photo/failed';
  constructor(code: PhotoCaptureError['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PhotoCaptureError';
    this.code = code;
  }
}

/** Owns at most one camera stream at a time. */
export class PhotoCapture {
  private stream: MediaStream | null = null;

  /** True while a stream is open. */
  get active(): boolean {
    return this.stream !== null;
  }

  /** Opens the camera (front camera preferred). Throws {@link PhotoCaptureError}. */
  async start(): Promise<MediaStream> {
    this.stop();
    if (!navigator.mediaDevices?.getUserMedia) throw new PhotoCaptureError('photo/unsupported', 'getUserMedia unavailable');
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'user', width: { ideal: 1280 }, height: { ideal: 720 } },
        audio: false,
      });
      return this.stream;
    } catch (err) {
      const name = err instanceof DOMException ? err.name : '';
      throw new PhotoCaptureError(name === 'NotAllowedError' || name === 'SecurityError' ? 'photo/denied' : 'photo/failed', 'camera unavailable', { cause: err });
    }
  }

  /** Draws the current video frame into a JPEG data URL and releases the camera. */
  capture(video: HTMLVideoElement): string {
    try {
      const w = video.videoWidth;
      const h = video.videoHeight;
      if (!w || !h) throw new PhotoCaptureError('photo/failed', 'no video frame yet');
      const scale = Math.min(1, MAX_PHOTO_SIDE / Math.max(w, h));
      const canvas = document.createElement('canvas');
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new PhotoCaptureError('photo/failed', 'no 2d context');
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      return canvas.toDataURL('image/jpeg', 0.85);
    } finally {
      this.stop();
    }
  }

  /** Stops every track. Safe to call at any time. */
  stop(): void {
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
  }
}
