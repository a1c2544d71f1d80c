// Browser side of bench/store/encryption.ts: the same synthetic records through Dexie (the peer), the Timpora
// store without and with encryption at rest, in the same page. Bundled and driven by bench/store/encryption.ts.
import { createTimporaClient, type TimporaClient } from '../../sdk/client.ts';
import { documentKey } from '../../sdk/store/fold.ts';
import { docToken, toStoredRow } from '../../sdk/store/schema.ts';
import { TimporaStore } from '../../sdk/store/store.ts';
import { EncryptedTimporaStore } from '../../sdk/security/encrypted-store.ts';
import { queryTokens } from '../../sdk/store/fold.ts';
import type { ForeignerRecord } from '../../sdk/model/types.ts';
import { DexieDb, makeRecords } from './page.ts';
import { createSyncFactory, syncOf } from '../../sdk/sync/client-factory.ts';
import { MemoryTransport } from '../../sdk/sync/memory-transport.ts';
import type { SyncEntity } from '../../sdk/sync/types.ts';

export interface EncLine {
  n: number;
  op: string;
  dexie: number;
  plain: number;
  encrypted: number;
  samples: number;
}


function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function deleteDb(name: string): Promise<void> {
  return new Promise((resolve) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every measurement for `n` records, plain vs encrypted (alternating order); medians in ms. */
export async function runEncryption(n: number, reps: { insert: number; lookups: number }): Promise<EncLine[]> {
  const records = makeRecords(n);
  const lines: EncLine[] = [];
  const r = rng(7);

  // ---- bulk insert at store level (one transaction; the encrypted side seals and hashes before it)
  type Who = 'dexie' | 'plain' | 'encrypted';
  const ins: Record<Who, number[]> = { dexie: [], plain: [], encrypted: [] };
  const orders: Who[][] = [['plain', 'encrypted', 'dexie'], ['dexie', 'encrypted', 'plain'], ['encrypted', 'dexie', 'plain']];
  for (let k = 0; k < reps.insert; k++) {
    for (const who of orders[k % orders.length] as Who[]) {
      const name = `bench-enc-${who}-${n}-${k}`;
      await deleteDb(name);
      if (who === 'dexie') {
        const db = new DexieDb(name);
        await db.open();
        const t0 = performance.now();
        await db.records.bulkAdd(records.map((e) => toStoredRow('records', e)));
        ins.dexie.push(performance.now() - t0);
        db.close();
      } else {
        const store = who === 'plain' ? new TimporaStore({ dbName: name, broadcast: false }) : new EncryptedTimporaStore({ dbName: name, broadcast: false, encryption: {} });
        await store.database();
        if (store instanceof EncryptedTimporaStore) await store.keyManager.keys(); // key creation is not part of the insert
        const t0 = performance.now();
        await store.write('records', records.map((entity) => ({ kind: 'create' as const, entity })));
        ins[who].push(performance.now() - t0);
        store.close();
      }
      console.log(`[bench] ${n} ${who} insert ${(ins[who].at(-1) ?? 0).toFixed(0)} ms`);
      if (k !== reps.insert - 1) await deleteDb(name);
    }
  }
  lines.push({ n, op: 'bulk insert (one transaction / bulkAdd)', dexie: median(ins.dexie), plain: median(ins.plain), encrypted: median(ins.encrypted), samples: reps.insert });

  // ---- reads through the public client on the databases of the last repetition
  const plain = createTimporaClient({ dbName: `bench-enc-plain-${n}-${reps.insert - 1}`, store: { broadcast: false } });
  const enc = createTimporaClient({ dbName: `bench-enc-encrypted-${n}-${reps.insert - 1}`, store: { broadcast: false }, encryption: {} });
  if ((await plain.records.count()) !== n || (await enc.records.count()) !== n) throw new Error('populated databases incomplete');

  const dexie = new DexieDb(`bench-enc-dexie-${n}-${reps.insert - 1}`);
  await dexie.open();
  if ((await dexie.records.count()) !== n) throw new Error('populated Dexie database incomplete');

  /** Times the three sides on the same inputs, rotating the order; checks the two Timpora sides agree. */
  const timeAll = async <X>(op: string, make: () => X, run: (c: TimporaClient, x: X) => Promise<unknown[]>, dex: (x: X) => Promise<unknown[]>, check: (a: unknown[], b: unknown[], d: unknown[]) => void): Promise<void> => {
    const t: Record<Who, number[]> = { dexie: [], plain: [], encrypted: [] };
    const runOne = (who: Who, x: X): Promise<unknown[]> => (who === 'dexie' ? dex(x) : run(who === 'plain' ? plain : enc, x));
    for (let i = 0; i < 5; i++) {
      const x = make();
      for (const who of ['plain', 'encrypted', 'dexie'] as const) await runOne(who, x);
    }
    for (let i = 0; i < reps.lookups; i++) {
      const x = make();
      const res: Partial<Record<Who, unknown[]>> = {};
      for (const who of orders[i % orders.length] as Who[]) {
        const t0 = performance.now();
        res[who] = await runOne(who, x);
        t[who].push(performance.now() - t0);
      }
      check(res.plain as unknown[], res.encrypted as unknown[], res.dexie as unknown[]);
    }
    lines.push({ n, op, dexie: median(t.dexie), plain: median(t.plain), encrypted: median(t.encrypted), samples: reps.lookups });
    console.log(`[bench] ${n} ${op}: dexie ${median(t.dexie).toFixed(3)} plain ${median(t.plain).toFixed(3)} encrypted ${median(t.encrypted).toFixed(3)}`);
  };
  const sameIds = (a: unknown[], b: unknown[]): void => {
    const ids = (xs: unknown[]): string => xs.map((x) => (x as ForeignerRecord).id).sort().join(',');
    if (ids(a) !== ids(b)) throw new Error(`result mismatch: ${a.length} vs ${b.length}`);
  };

  const sameCount = (a: unknown[], b: unknown[], d: unknown[]): void => {
    if (a.length !== b.length || a.length !== d.length) throw new Error(`result count mismatch: ${a.length} / ${b.length} / ${d.length}`);
  };
  await timeAll(
    'lookup by document',
    () => records[Math.floor(r() * n)] as ForeignerRecord,
    (c, rec) => c.records.findByDocument(rec.document.issuingState, rec.document.number),
    (rec) => dexie.records.where('nm').equals(docToken(documentKey(rec.document.issuingState, rec.document.number))).toArray(),
    (a, b, d) => {
      sameIds(a, b);
      sameCount(a, b, d);
      if (a.length !== 1) throw new Error('document not found');
    },
  );
  await timeAll(
    'name-prefix search (3 letters, 50 hits)',
    () => (queryTokens((records[Math.floor(r() * n)] as ForeignerRecord).identity.surname)[0] ?? 'mul').slice(0, 3),
    (c, p) => c.records.searchByName(p, { limit: 50 }),
    (p) => dexie.namePrefix(p, 50),
    sameCount,
  );
  await timeAll(
    'page of 50, newest first',
    () => 0,
    (c) => c.records.query({ sort: 'updatedAt', direction: 'desc', limit: 50 }).then((p) => p.items),
    () => dexie.records.orderBy('upd').reverse().limit(50).toArray(),
    (a, b, d) => {
      sameIds(a, b);
      sameCount(a, b, d);
    },
  );
  await timeAll(
    'page of 50 filtered by status, newest first',
    () => (['active', 'violation', 'closed'] as const)[Math.floor(r() * 3)] as ForeignerRecord['status'],
    (c, st) => c.records.query({ filter: { status: st }, limit: 50 }).then((p) => p.items),
    (st) => dexie.statusPage(st),
    (a, b, d) => {
      sameIds(a, b);
      sameCount(a, b, d);
    },
  );
  await plain.close();
  await enc.close();
  dexie.close();
  await deleteDb(`bench-enc-dexie-${n}-${reps.insert - 1}`);
  await deleteDb(`bench-enc-plain-${n}-${reps.insert - 1}`);
  await deleteDb(`bench-enc-encrypted-${n}-${reps.insert - 1}`);
  return lines;
}

/** Sync with and without encryption (in-memory server, no network): initial pull of `n` records, push of `n` offline writes. */
export async function runSync(n: number, reps: number): Promise<EncLine[]> {
  const records = makeRecords(n);
  const t: Record<'pull' | 'push', Record<'plain' | 'encrypted', number[]>> = { pull: { plain: [], encrypted: [] }, push: { plain: [], encrypted: [] } };
  const wait = async (cond: () => boolean | Promise<boolean>): Promise<void> => {
    const start = performance.now();
    while (!(await cond())) {
      if (performance.now() - start > 600_000) throw new Error('sync did not finish');
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  for (let k = 0; k < reps; k++) {
    for (const who of k % 2 ? (['encrypted', 'plain'] as const) : (['plain', 'encrypted'] as const)) {
      // pull
      const server = new MemoryTransport({ pageSize: 200 });
      for (const r of records) server.apply('records', 'put', r.id, r as unknown as SyncEntity, 0);
      let name = `bench-encsync-pull-${who}-${k}`;
      await deleteDb(name);
      const factory = (s: MemoryTransport, autoStart: boolean): ReturnType<typeof createSyncFactory> => createSyncFactory({ transport: () => s, pullIntervalMs: 0, autoStart, lockName: `lock-${name}`, channelName: `ch-${name}` });
      let c = createTimporaClient({ dbName: name, store: { broadcast: false }, server: { baseUrl: 'memory://' }, sync: factory(server, false), ...(who === 'encrypted' ? { encryption: {} } : {}) });
      await c.open();
      if (who === 'encrypted') await c.records.count(); // keys created before timing
      let t0 = performance.now();
      syncOf(c)!.start();
      await wait(() => syncOf(c)!.status.lastSyncedAt !== null);
      t.pull[who].push(performance.now() - t0);
      if ((await c.records.count()) !== n) throw new Error('pull incomplete');
      await c.close();
      await deleteDb(name);
      // push
      const target = new MemoryTransport();
      name = `bench-encsync-push-${who}-${k}`;
      await deleteDb(name);
      c = createTimporaClient({ dbName: name, store: { broadcast: false }, server: { baseUrl: 'memory://' }, sync: factory(target, false), ...(who === 'encrypted' ? { encryption: {} } : {}) });
      await c.records.putMany(records.map(({ version: _v, createdAt: _c, updatedAt: _u, ...rest }) => rest));
      t0 = performance.now();
      syncOf(c)!.start();
      await wait(() => target.count('records') === n && syncOf(c)!.status.pending === 0);
      t.push[who].push(performance.now() - t0);
      await c.close();
      await deleteDb(name);
      console.log(`[bench] sync ${n} ${who}: pull ${t.pull[who].at(-1)?.toFixed(0)} ms, push ${t.push[who].at(-1)?.toFixed(0)} ms`);
    }
  }
  return [
    { n, op: 'sync: initial pull (in-memory server)', dexie: NaN, plain: median(t.pull.plain), encrypted: median(t.pull.encrypted), samples: reps },
    { n, op: 'sync: push of offline writes (in-memory server)', dexie: NaN, plain: median(t.push.plain), encrypted: median(t.push.encrypted), samples: reps },
  ];
}

declare global {
  interface Window {
    timporaEncBench: { runEncryption: typeof runEncryption; runSync: typeof runSync };
  }
}
window.timporaEncBench = { runEncryption, runSync };
