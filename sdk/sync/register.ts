/**
 * Side-effect entry: registers the Timpora sync engine as the default for `createTimporaClient({ server })`.
 * @module
 */
import { registerTimporaSync } from './client-factory.ts';

registerTimporaSync();
