/**
 * The `timpora-kit/sdk` entry: framework-free (no Lit). Domain model and validation, the IndexedDB store and
 * its typed errors, and `createTimporaClient()`. Other SDK folders add their export lines here.
 * @packageDocumentation
 */
export * from './model/index.ts';
export * from './store/index.ts';
export * from './client.ts';
export * from './calendar/index.ts';
export * from './camera/index.ts';
export * from './mrz/index.ts';
// Option and result types of the engine that the worker protocol's public types refer to.
export type { ReadMrzOptions, MrzRecognition, MrzSighting } from './mrz/engine.ts';
export * from './sync/index.ts';
export * from './security/index.ts';
