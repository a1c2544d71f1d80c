/**
 * Camera capture for MRZ scanning: {@link openCamera}, the {@link FramePump}, the worker-backed
 * {@link createWorkerFrameReader} and the {@link MrzCameraScanner} that ties them together. The
 * frames are read by the kit's one MRZ worker (`sdk/mrz/worker.ts`), whose typed client is
 * re-exported here.
 * @module
 */
export * from './errors.ts';
export * from './camera.ts';
export * from './typed-event-target.ts';
export type * from './frame-reader.ts';
export { frameSize } from './frame-reader.ts';
export * from './frame-pump.ts';
export * from './worker-reader.ts';
export * from './scanner.ts';
export * from './consecutive-voter.ts';
export { processFrame, warmUpEngine, WARM_UP_STEPS, MOTION_LEVEL, THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT, type ReadMrzFunction, type WarmUpStep } from '../mrz/worker-frames.ts';
export {
  createMrzWorkerClient,
  MrzWorkerError,
  type MrzWorkerClient,
  type MrzWorkerClientOptions,
  type MrzWorkerClientErrorCode,
  type MrzWorkerFrameRequest,
  type MrzWorkerLike,
  type MrzWorkerReadOptions,
  type MrzWorkerReadResult,
  type MrzWorkerRecognizeResult,
  type MrzWorkerTrack,
} from '../mrz/worker-client.ts';
export type {
  MrzWorkerRequest,
  MrzWorkerResponse,
  MrzWorkerImage,
  MrzWorkerErrorCode,
  MrzPixelRequest,
  MrzFrameRequest,
  MrzWarmUpRequest,
  MrzWarmUpStopRequest,
  MrzTrackOpenRequest,
  MrzTrackFrameRequest,
  MrzTrackCloseRequest,
  MrzTrackResponse,
  MrzReadResponse,
  MrzRecognizeResponse,
  MrzFrameResponse,
  MrzWarmUpResponse,
  MrzWarmUpStopResponse,
  MrzErrorResponse,
} from '../mrz/worker-protocol.ts';
