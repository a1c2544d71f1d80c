// Shared helpers of the sync tests (node and browser): a faulty wrapper around the in-memory server, a seeded
// random source, and entity factories. No DOM, no Node-only APIs.
import { SyncError } from '../../../sdk/sync/errors.ts';
import type { MemoryTransport } from '../../../sdk/sync/memory-transport.ts';
import type {
  ChangePage,
  ListPage,
  Transport,
  TransportCallOptions,
  WriteRequest,
  WriteResult,
} from '../../../sdk/sync/transport.ts';
import type { SyncEntity } from '../../../sdk/sync/types.ts';

/** Mulberry32: small seeded PRNG so failures are reproducible. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultPlan {
  /** Probability a write fails before reaching the server (network). */
  dropRequest?: number;
  /** Probability a write is applied but its answer lost (network). */
  loseAnswer?: number;
  /** When losing an answer, apply without recording the idempotency key (a server that forgot its keys). */
  forgetKeys?: boolean;
  /** Probability of a 503. */
  serverError?: number;
}

/** Wraps a {@link MemoryTransport} and injects seeded faults into writes. */
export class FaultyTransport implements Transport {
  writes = 0;
  enabled = true;
  constructor(
    readonly inner: MemoryTransport,
    readonly plan: FaultPlan,
    readonly random: () => number,
  ) {}

  async write(request: WriteRequest, options?: TransportCallOptions): Promise<WriteResult> {
    this.writes += 1;
    if (this.enabled) {
      if (this.random() < (this.plan.dropRequest ?? 0)) throw new SyncError('network', 'dropped');
      if (this.random() < (this.plan.serverError ?? 0)) throw new SyncError('server', 'unavailable', { status: 503 });
      if (this.random() < (this.plan.loseAnswer ?? 0)) {
        if (this.plan.forgetKeys) {
          this.inner.apply(request.collection, request.op, request.id, request.entity, request.baseVersion);
        } else {
          await this.inner.write(request, options);
        }
        throw new SyncError('network', 'answer lost');
      }
    }
    return this.inner.write(request, options);
  }
  changes(cursor: string | null, options?: TransportCallOptions): Promise<ChangePage> {
    return this.inner.changes(cursor, options);
  }
  list(collection: string, token: string | null, options?: TransportCallOptions): Promise<ListPage> {
    return this.inner.list(collection, token, options);
  }
}

let counter = 0;
/** A small record-like entity. */
export function entity(fields: Record<string, unknown> = {}, id?: string): SyncEntity {
  counter += 1;
  return { id: id ?? `rec-${counter}-${Math.floor(Math.random() * 1e9)}`, version: 0, status: 'active', notes: `n${counter}`, ...fields };
}
