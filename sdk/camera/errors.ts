/**
 * Typed camera errors. Every failure of {@link openCamera} or of a running scan is a
 * {@link CameraError} with a stable `code`; UI layers map the code to a localised message.
 * @module
 */

/** Stable codes of camera failures. */
export type CameraErrorCode =
  /** The person (or a browser policy) refused camera access. */
  | 'permission_denied'
  /** No video input device exists, or none matches the requested device id. */
  | 'no_camera'
  /** The device exists but could not be started (used by another app or tab, or a hardware error). */
  | 'camera_in_use'
  /** The page is not a secure context (https or localhost), so the browser hides the camera API. */
  | 'insecure_context'
  /** The video track ended while scanning (device unplugged, driver reset, permission revoked). */
  | 'device_lost'
  /** The browser lacks a needed API (getUserMedia, createImageBitmap, Worker, OffscreenCanvas). */
  | 'unsupported';

/** All codes, for exhaustive checks and tests. */
export const CAMERA_ERROR_CODES: readonly CameraErrorCode[] = [
  'permission_denied',
  'no_camera',
  'camera_in_use',
  'insecure_context',
  'device_lost',
  'unsupported',
];

/** A camera failure with a stable {@link CameraErrorCode}. The message is English and technical (for logs). */
export class CameraError extends Error {
  /** Always `'CameraError'`. */
  override readonly name = 'CameraError';
  /** Stable machine-readable code. */
  readonly code: CameraErrorCode;

  constructor(code: CameraErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? code, options);
    this.code = code;
  }
}

/** True when `value` is a {@link CameraError}. Works across bundles (checks the shape, not the prototype). */
export function isCameraError(value: unknown): value is CameraError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { name?: unknown }).name === 'CameraError' &&
    CAMERA_ERROR_CODES.includes((value as { code?: CameraErrorCode }).code as CameraErrorCode)
  );
}

/**
 * Maps whatever `getUserMedia` (or a track) threw to a {@link CameraError}.
 * DOMException names follow the Media Capture spec plus legacy Chromium/Firefox names.
 */
export function toCameraError(error: unknown): CameraError {
  if (isCameraError(error)) return error;
  const name = typeof error === 'object' && error !== null ? String((error as { name?: unknown }).name) : '';
  const message = error instanceof Error ? error.message : String(error);
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return new CameraError('permission_denied', message, { cause: error });
    case 'SecurityError':
      return typeof isSecureContext === 'boolean' && !isSecureContext
        ? new CameraError('insecure_context', message, { cause: error })
        : new CameraError('permission_denied', message, { cause: error });
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
    case 'ConstraintNotSatisfiedError':
      return new CameraError('no_camera', message, { cause: error });
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new CameraError('camera_in_use', message, { cause: error });
    case 'TypeError':
    case 'NotSupportedError':
      return new CameraError('unsupported', message, { cause: error });
    default:
      return new CameraError('camera_in_use', message || 'camera failed to start', { cause: error });
  }
}
