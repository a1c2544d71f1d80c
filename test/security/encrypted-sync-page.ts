// Browser side of encrypted-sync-server.node.test.ts: a client with encryption at rest syncing with the
// reference server over HTTP, plus a raw view of its IndexedDB (to check nothing personal is stored in clear).
import { createTimporaClient, type TimporaClient } from '../../sdk/client.ts';
import type { NewRecordInput } from '../../sdk/model/factory.ts';
import { createSyncFactory, syncOf } from '../../sdk/sync/client-factory.ts';
import { rawDump } from '../sdk/security/raw-dump.ts';

let client: TimporaClient | undefined;
let dbName = '';

const api = {
  start(baseUrl: string, token: string, db: string, agencyId: string): void {
    dbName = db;
    client = createTimporaClient({
      dbName: db,
      agencyId,
      encryption: {},
      server: { baseUrl, token: () => token },
      sync: createSyncFactory({ pullIntervalMs: 200, backoff: { baseMs: 50, maxMs: 500 } }),
    });
  },
  async put(input: NewRecordInput): Promise<string> {
    return (await client!.records.put(input as never)).id;
  },
  async update(id: string, notes: string): Promise<void> {
    const r = await client!.records.require(id);
    await client!.records.put({ ...r, notes });
  },
  async get(id: string): Promise<{ surname: string; notes?: string; version: number } | null> {
    const r = await client!.records.get(id);
    return r ? { surname: r.identity.surname, ...(r.notes !== undefined ? { notes: r.notes } : {}), version: r.version } : null;
  },
  status(): { state: string; pending: number; lastSyncedAt: number | null } {
    const s = syncOf(client!)!.status;
    return { state: s.state, pending: s.pending, lastSyncedAt: s.lastSyncedAt };
  },
  async lock(): Promise<void> {
    await client!.lock();
  },
  async unlock(): Promise<void> {
    await client!.unlock();
  },
  async dump(): Promise<{ text: string; counts: Record<string, number> }> {
    const d = await rawDump(dbName);
    return { text: d.text, counts: Object.fromEntries(Object.entries(d.rows).map(([k, v]) => [k, v.length])) };
  },
};

declare global {
  interface Window {
    encSync: typeof api;
  }
}
window.encSync = api;
