/**
 * An in-memory {@link SyncStorage}: the same semantics as the IndexedDB adapter (serialised transactions that
 * roll back when they throw), for tests and Node tools. Data is lost when the process ends.
 * @module
 */
import type { LocalChange, SyncStorage, SyncStorageTx } from './storage.ts';
import type { OutboxEntry, SyncEntity } from './types.ts';

interface MemoryState {
  entities: Map<string, Map<string, SyncEntity>>;
  outbox: Map<number, OutboxEntry>;
  meta: Map<string, unknown>;
  nextSeq: number;
}

/** In-memory sync storage. Use {@link MemorySyncStorage.localWrite} to simulate the store's writes. */
export class MemorySyncStorage implements SyncStorage {
  readonly collections: readonly string[];
  #state: MemoryState;
  #queue: Promise<unknown> = Promise.resolve();
  #writeListeners = new Set<() => void>();
  #changeListeners = new Set<(changes: LocalChange[]) => void>();

  constructor(collections: readonly string[] = ['records', 'operations', 'agencies']) {
    this.collections = collections;
    this.#state = {
      entities: new Map(collections.map((c) => [c, new Map()])),
      outbox: new Map(),
      meta: new Map(),
      nextSeq: 1,
    };
  }

  transaction<T>(
    _collections: readonly string[],
    _mode: 'readonly' | 'readwrite',
    fn: (tx: SyncStorageTx) => Promise<T>,
  ): Promise<T> {
    const run = async (): Promise<T> => {
      const snapshot = structuredClone(this.#state);
      try {
        return await fn(this.#tx());
      } catch (error) {
        this.#state = snapshot;
        throw error;
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  notify(changes: LocalChange[]): void {
    for (const listener of this.#changeListeners) listener(changes);
  }

  onLocalWrite(listener: () => void): () => void {
    this.#writeListeners.add(listener);
    return () => this.#writeListeners.delete(listener);
  }

  /** Listen to the engine's {@link notify} calls (tests). */
  onChange(listener: (changes: LocalChange[]) => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  /**
   * Simulate `sdk/store`: write an entity locally and append its outbox entry in one transaction.
   * `baseVersion` is the local version before the write; the stored entity gets `version + 1`.
   */
  async localWrite(collection: string, op: 'put' | 'delete', entityOrId: SyncEntity | string): Promise<OutboxEntry> {
    const entry = await this.transaction([collection], 'readwrite', async (tx) => {
      const id = typeof entityOrId === 'string' ? entityOrId : entityOrId.id;
      const existing = await tx.getEntity(collection, id);
      const baseVersion = existing?.version ?? 0;
      let entity: SyncEntity | undefined;
      if (op === 'put') {
        if (typeof entityOrId === 'string') throw new TypeError('put needs an entity');
        entity = { ...entityOrId, version: baseVersion + 1 };
        await tx.putEntity(collection, entity);
      } else {
        await tx.deleteEntity(collection, id);
      }
      const fields: Omit<OutboxEntry, 'seq'> = {
        collection,
        op,
        id,
        baseVersion,
        idempotencyKey: globalThis.crypto.randomUUID(),
        attempts: 0,
        nextAttemptAt: 0,
        createdAt: Date.now(),
      };
      if (entity) fields.entity = entity;
      const seq = await tx.addOutbox(fields);
      return { ...fields, seq };
    });
    for (const listener of this.#writeListeners) listener();
    return entry;
  }

  /** Read an entity outside a transaction (tests). */
  entity(collection: string, id: string): SyncEntity | undefined {
    const found = this.#state.entities.get(collection)?.get(id);
    return found ? structuredClone(found) : undefined;
  }

  /** All entities of a collection (tests). */
  all(collection: string): SyncEntity[] {
    return [...(this.#state.entities.get(collection)?.values() ?? [])].map((e) => structuredClone(e));
  }

  /** The outbox (tests). */
  outboxSnapshot(): OutboxEntry[] {
    return [...this.#state.outbox.values()].sort((a, b) => a.seq - b.seq).map((e) => structuredClone(e));
  }

  #store(collection: string): Map<string, SyncEntity> {
    let store = this.#state.entities.get(collection);
    if (!store) {
      store = new Map();
      this.#state.entities.set(collection, store);
    }
    return store;
  }

  #tx(): SyncStorageTx {
    const state = (): MemoryState => this.#state;
    const clone = <V>(v: V): V => structuredClone(v);
    return {
      getEntity: async (collection, id) => {
        const found = this.#store(collection).get(id);
        return found ? clone(found) : undefined;
      },
      putEntity: async (collection, entity) => {
        this.#store(collection).set(entity.id, clone(entity));
      },
      deleteEntity: async (collection, id) => {
        this.#store(collection).delete(id);
      },
      entityIds: async (collection) => [...this.#store(collection).keys()],
      outbox: async () => [...state().outbox.values()].sort((a, b) => a.seq - b.seq).map(clone),
      outboxFor: async (collection, id) =>
        [...state().outbox.values()]
          .filter((e) => e.collection === collection && e.id === id)
          .sort((a, b) => a.seq - b.seq)
          .map(clone),
      putOutbox: async (entry) => {
        state().outbox.set(entry.seq, clone(entry));
      },
      addOutbox: async (entry) => {
        const seq = state().nextSeq++;
        state().outbox.set(seq, clone({ ...entry, seq }));
        return seq;
      },
      deleteOutbox: async (seq) => {
        state().outbox.delete(seq);
      },
      getMeta: async (key) => clone(state().meta.get(key)),
      putMeta: async (key, value) => {
        state().meta.set(key, clone(value));
      },
    };
  }
}
