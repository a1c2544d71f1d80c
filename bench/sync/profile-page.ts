// Browser side of `bench/sync/profile.ts` (bundled by esbuild): the real sync pieces (TimporaStore,
// IdbSyncStorage, HttpTransport, pull, pushOutbox) with timing wrappers around fetch, the transport and every
// storage transaction, so a pull or push can be split into server, body download, JSON and IndexedDB time.
import { createTimporaClient, type TimporaClient } from '../../sdk/client.ts';
import { createRecord } from '../../sdk/model/factory.ts';
import { toStoredRow } from '../../sdk/store/schema.ts';
import { TimporaStore } from '../../sdk/store/store.ts';
import { HttpTransport } from '../../sdk/sync/http-transport.ts';
import { IdbSyncStorage } from '../../sdk/sync/idb-storage.ts';
import { pushOutbox } from '../../sdk/sync/outbox-sender.ts';
import { pull } from '../../sdk/sync/puller.ts';
import type { SyncStorage } from '../../sdk/sync/storage.ts';
import type { Transport } from '../../sdk/sync/transport.ts';

/** One timed span. */
interface Span {
  kind: string;
  start: number;
  ms: number;
  n?: number;
}

let spans: Span[] = [];
const span = (kind: string, start: number, n?: number): void => {
  spans.push({ kind, start, ms: performance.now() - start, ...(n !== undefined ? { n } : {}) });
};

/** fetch that records time to response headers (server + network) and to the whole body. */
const timedFetch: typeof fetch = async (input, init) => {
  const t0 = performance.now();
  const res = await fetch(input, init);
  const path = new URL(String(input)).pathname.slice(1) || '/';
  span(`http ${path} headers (server+net)`, t0);
  const text = res.text.bind(res);
  res.text = async () => {
    const t1 = performance.now();
    const body = await text();
    span(`http ${path} body`, t1, body.length);
    return body;
  };
  return res;
};

function timedTransport(inner: Transport): Transport {
  return {
    write: (r, o) => inner.write(r, o),
    async changes(cursor, options) {
      const t0 = performance.now();
      const page = await inner.changes(cursor, options);
      span('transport.changes total', t0, page.changes.length);
      return page;
    },
    list: (c, t, o) => inner.list(c, t, o),
    ...(inner.writeBatch
      ? {
          async writeBatch(requests, options) {
            const t0 = performance.now();
            const out = await inner.writeBatch!(requests, options);
            span('transport.writeBatch total', t0, requests.length);
            return out;
          },
        }
      : {}),
  };
}

/** When the last read-write transaction committed (0: none yet since `spans` was reset). */
let lastCommit = 0;
/** When the timed step started. */
let stepStart = 0;

function timedStorage(inner: SyncStorage): SyncStorage {
  return {
    collections: inner.collections,
    async transaction(collections, mode, fn) {
      const t0 = performance.now();
      let calls = 0;
      let firstWrite = 0;
      const out = await inner.transaction(collections, mode, (tx) => {
        const counting = new Proxy(tx, {
          get(target, prop, receiver) {
            const v = Reflect.get(target, prop, receiver) as unknown;
            if (typeof v !== 'function') return v;
            return (...a: unknown[]) => {
              calls += 1;
              if (!firstWrite && /^(put|delete|add)/.test(String(prop))) {
                firstWrite = performance.now();
                span(`idb ${mode} tx: until the first write (reads)`, t0);
                // The database has nothing to write from the previous commit (or the step's start) until now.
                span(lastCommit ? 'idb write gap: previous commit to this first write' : 'idb write gap: step start to the first write', lastCommit || stepStart);
              }
              return (v as (...x: unknown[]) => unknown).apply(target, a);
            };
          },
        });
        return fn(counting);
      });
      span(`idb ${mode} tx`, t0, calls);
      if (mode === 'readwrite') lastCommit = performance.now();
      if (firstWrite) span(`idb ${mode} tx: first write to commit`, firstWrite);
      return out;
    },
    notify: (c) => inner.notify(c),
    onLocalWrite: (l) => inner.onLocalWrite(l),
  };
}

function summary(wallMs: number): Record<string, { count: number; ms: number; n: number }> & { wall: { count: number; ms: number; n: number } } {
  const out: Record<string, { count: number; ms: number; n: number }> = {};
  for (const s of spans) {
    const o = (out[s.kind] ??= { count: 0, ms: 0, n: 0 });
    o.count += 1;
    o.ms += s.ms;
    o.n += s.n ?? 0;
  }
  return { ...out, wall: { count: 1, ms: wallMs, n: 0 } };
}

let client: TimporaClient | null = null;

const profiler = {
  /** Pull the whole feed into a fresh database; per-kind sums of the timed spans plus the wall time. */
  async pull(dbName: string, token: string, changesLimit?: number): Promise<{ summary: ReturnType<typeof summary>; timeline: Span[] }> {
    const store = new TimporaStore({ dbName });
    await store.database();
    const transport = timedTransport(new HttpTransport({ baseUrl: location.origin, token, fetch: timedFetch, ...(changesLimit ? { changesLimit } : {}) }));
    const storage = timedStorage(new IdbSyncStorage({ store }));
    spans = [];
    lastCommit = 0;
    const t0 = (stepStart = performance.now());
    await pull({ storage, transport, signal: new AbortController().signal });
    const wall = performance.now() - t0;
    // The pull's spans on one time line (ms since its start), before the separate measurements below.
    const timeline = spans.map((s) => ({ ...s, start: s.start - t0 }));
    // CPU of the row building alone (index keys of every pulled record), measured on a copy of the data.
    const rows = (await store.transaction(['records'], 'readonly', (tx) => new Promise<unknown[]>((res) => {
      const r = tx.objectStore('records').getAll();
      r.onsuccess = () => res(r.result as unknown[]);
    }))) as Array<{ v: never }>;
    const t1 = performance.now();
    for (const row of rows) toStoredRow('records', row.v);
    span('toStoredRow CPU (all records, separate)', t1, rows.length);
    const t2 = performance.now();
    const s = JSON.stringify(rows.map((r) => r.v));
    span('JSON.stringify of the pulled entities (separate)', t2, s.length);
    const t3 = performance.now();
    JSON.parse(s);
    span('JSON.parse of the pulled entities (separate)', t3, s.length);
    store.close();
    return { summary: summary(wall), timeline };
  },

  /** Write `n` records offline (through the client, outbox entries durable), then push them once. */
  async push(dbName: string, token: string, n: number, concurrency: number, batchSize: number): Promise<ReturnType<typeof summary>> {
    client = createTimporaClient({ dbName, agencyId: 'imi-jakut' });
    await client.open();
    const records = Array.from({ length: n }, (_, i) =>
      createRecord({
        identity: { surname: `PROF${i}`, givenNames: 'PUSH', sex: 'M', birthDate: '1985-04-12', nationality: 'GBR' },
        document: { type: 'passport', issuingState: 'GBR', number: String(300000000 + i), issueDate: '2020-01-01', expiryDate: '2030-01-01' },
      }),
    );
    await client.store.write('records', records.map((entity) => ({ kind: 'create' as const, entity })), { outbox: true });
    const transport = timedTransport(new HttpTransport({ baseUrl: location.origin, token, fetch: timedFetch }));
    const storage = timedStorage(new IdbSyncStorage({ store: client.store }));
    spans = [];
    lastCommit = 0;
    const t0 = (stepStart = performance.now());
    const report = await pushOutbox({
      storage,
      transport,
      concurrency,
      batchSize,
      backoff: { baseMs: 50, maxMs: 400 },
      ignoreBackoff: true,
      signal: new AbortController().signal,
      now: Date.now,
      random: Math.random,
      onConflict: () => undefined,
      onFailed: () => undefined,
      onAcknowledged: () => undefined,
    });
    const wall = performance.now() - t0;
    await client.close();
    client = null;
    if (report.acknowledged !== n) throw new Error(`push acknowledged ${report.acknowledged} of ${n}`);
    return summary(wall);
  },
};

export type SyncProfiler = typeof profiler;
(globalThis as unknown as { syncProfiler: SyncProfiler }).syncProfiler = profiler;
