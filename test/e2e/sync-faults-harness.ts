// Browser side of the sync fault tests (bundled by esbuild, served by the fault proxy): a real client on
// IndexedDB with the real sync engine talking HTTP to the reference server through the proxy.
import { createTimporaClient, type TimporaClient } from '../../sdk/client.ts';
import { createRecord } from '../../sdk/model/factory.ts';
import type { ForeignerRecord } from '../../sdk/model/types.ts';
import { createSyncFactory, syncOf } from '../../sdk/sync/client-factory.ts';
import type { TimporaSync } from '../../sdk/sync/sync-engine.ts';
import type { SyncStatus } from '../../sdk/sync/types.ts';

export interface HarnessInit {
  dbName: string;
  agencyId: string;
  token: string;
  concurrency?: number;
  /** Writes per `POST /batch` (default the engine's; 1 = one request per write). */
  batchSize?: number;
  backoffMaxMs?: number;
  timeoutMs?: number;
}

export interface WrittenSet {
  ids: string[];
  /** Expected server version per id (number of writes). */
  expected: Record<string, number>;
  /** Expected `notes` per id. */
  notes: Record<string, string>;
}

let client: TimporaClient | null = null;
let sync: TimporaSync | null = null;
const conflictEvents: string[] = [];

function input(i: number): Omit<ForeignerRecord, 'id' | 'sourceAgency' | 'createdAt' | 'updatedAt' | 'version' | 'findings' | 'status'> {
  return {
    identity: { surname: `FAULT${i}`, givenNames: 'TEST', sex: 'M', birthDate: '1985-04-12', nationality: 'GBR' },
    document: { type: 'passport', issuingState: 'GBR', number: String(100000000 + i), issueDate: '2020-01-01', expiryDate: '2030-01-01' },
  };
}

const harness = {
  async init(options: HarnessInit): Promise<void> {
    client = createTimporaClient({
      dbName: options.dbName,
      agencyId: options.agencyId,
      server: { baseUrl: location.origin, token: () => options.token },
      sync: createSyncFactory({
        autoStart: false,
        pullIntervalMs: 0,
        concurrency: options.concurrency ?? 6,
        ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
        backoff: { baseMs: 50, maxMs: options.backoffMaxMs ?? 400 },
        timeoutMs: options.timeoutMs ?? 10_000,
        lockName: `lock-${options.dbName}`,
        channelName: `chan-${options.dbName}`,
      }),
    });
    await client.open();
    sync = syncOf(client) ?? null;
    if (!sync) throw new Error('no sync engine');
    sync.on('conflict', (e) => conflictEvents.push(e.detail.id));
  },

  /** `creates` new records, then `updates` of them edited once more; all while sync is stopped. */
  async writeOffline(creates: number, updates: number, tag: string): Promise<WrittenSet> {
    if (!client) throw new Error('init first');
    const records = Array.from({ length: creates }, (_, i) => createRecord(input(i)));
    const saved = await client.records.putMany(records);
    const out: WrittenSet = { ids: [], expected: {}, notes: {} };
    for (const r of saved) {
      out.ids.push(r.id);
      out.expected[r.id] = 1;
      out.notes[r.id] = '';
    }
    for (let i = 0; i < updates; i++) {
      const r = saved[(i * 7) % saved.length]!;
      const current = (await client.records.get(r.id))!;
      const notes = `${tag} update ${i}`;
      await client.records.put({ ...current, notes });
      out.expected[r.id] = (out.expected[r.id] ?? 0) + 1;
      out.notes[r.id] = notes;
    }
    return out;
  },

  /** Edit each record once (read current local version, set notes). */
  async editAll(ids: string[], note: string): Promise<void> {
    if (!client) throw new Error('init first');
    for (const id of ids) {
      const current = await client.records.require(id);
      await client.records.put({ ...current, notes: note });
    }
  },

  start(): void {
    sync?.start();
  },

  /** Start and resolve once this page holds the sync lock (leadership is asynchronous). */
  async startLeading(): Promise<void> {
    if (!sync) throw new Error('init first');
    sync.start();
    while (!sync.leader) await new Promise((r) => setTimeout(r, 2));
  },

  /** Benchmark: one full sync (push + pull) from here; returns its duration and the local record count. */
  async timedSync(): Promise<{ ms: number; records: number }> {
    if (!sync || !client) throw new Error('init first');
    const t0 = performance.now();
    await sync.syncNow();
    const ms = performance.now() - t0;
    return { ms, records: await client.records.count() };
  },

  /**
   * Benchmark: start syncing an offline outbox; returns the time until the outbox is empty (every write
   * acknowledged by the server) and until the whole cycle (push + pull-back) ended.
   */
  async timedPush(): Promise<{ drainedMs: number; cycleMs: number }> {
    if (!sync || !client) throw new Error('init first');
    const c = client;
    const s = sync;
    const t0 = performance.now();
    s.start();
    let drainedMs = -1;
    const drained = (async () => {
      while ((await c.store.outboxCount()) > 0) await new Promise((r) => setTimeout(r, 5));
      drainedMs = performance.now() - t0;
    })();
    while (!s.leader) await new Promise((r) => setTimeout(r, 1));
    await s.syncNow();
    await drained;
    return { drainedMs, cycleMs: performance.now() - t0 };
  },
  async stop(): Promise<void> {
    await sync?.stop();
  },
  async syncNow(): Promise<void> {
    await sync?.syncNow();
  },
  status(): SyncStatus | null {
    return sync?.status ?? null;
  },
  async outboxCount(): Promise<number> {
    return client ? client.store.outboxCount() : -1;
  },
  async conflicts(): Promise<Array<{ id: string; local: string | null; remote: string | null }>> {
    const list = (await sync?.conflicts()) ?? [];
    return list.map((c) => ({
      id: c.id,
      local: c.local ? String(c.local['notes'] ?? '') : null,
      remote: c.remote ? String(c.remote['notes'] ?? '') : null,
    }));
  },
  conflictEvents(): string[] {
    return [...new Set(conflictEvents)];
  },
  async resolve(id: string, choice: 'local' | 'remote'): Promise<void> {
    await sync?.resolve(id, choice);
  },
  /** Local `notes` per id: `null` when the record is not in the local cache, `''` when it has no notes. */
  async localNotes(ids: string[]): Promise<Record<string, string | null>> {
    const out: Record<string, string | null> = {};
    for (const id of ids) {
      const rec = await client?.records.get(id);
      out[id] = rec ? (rec.notes ?? '') : null;
    }
    return out;
  },
  async close(): Promise<void> {
    await client?.close();
    client = null;
    sync = null;
  },
};

export type SyncHarness = typeof harness;
(globalThis as unknown as { syncHarness: SyncHarness }).syncHarness = harness;
