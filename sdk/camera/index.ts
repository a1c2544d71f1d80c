/**
 * Camera capture for MRZ scanning: {@link openCamera}, the {@link FramePump}, the worker-backed
 * {@link createWorkerFrameReader} and the {@link MrzCameraScanner} that ties them together.
 * @module
 */
export * from './errors.ts';
export * from './camera.ts';
export type * from './frame-reader.ts';
export { frameSize } from './frame-reader.ts';
export * from './frame-pump.ts';
export * from './worker-reader.ts';
export * from './scanner.ts';
export { processFrame, type ReadMrzFunction, type FrameWorkerRequest, type FrameWorkerResponse } from './frame-worker-core.ts';
export * from './consecutive-voter.ts';
