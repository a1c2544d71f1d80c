/**
 * Web Worker entry of the MRZ engine. Load it as a module worker:
 * `new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' })`, or use
 * {@link createMrzWorkerClient} from `worker-client.ts`. The protocol is documented in
 * `worker-protocol.ts`: one `{ id, result | candidates | error, timings }` response per request,
 * errors are typed messages, nothing is thrown out of the worker.
 * @module
 */

import { handleMrzRequest } from './worker-protocol.ts';

export type { MrzWorkerRequest, MrzWorkerResponse, MrzWorkerImage, MrzWorkerErrorCode } from './worker-protocol.ts';

interface WorkerScopeLike {
  addEventListener(type: 'message', listener: (ev: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

const scope = globalThis as unknown as Partial<WorkerScopeLike> & { document?: unknown };
// Install only inside a worker (no `document`), so importing this module elsewhere is harmless.
if (typeof scope.document === 'undefined' && typeof scope.addEventListener === 'function' && typeof scope.postMessage === 'function') {
  const s = scope as WorkerScopeLike;
  s.addEventListener('message', (ev) => {
    s.postMessage(handleMrzRequest(ev.data));
  });
}
