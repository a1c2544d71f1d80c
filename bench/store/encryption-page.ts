// Browser side of bench/store/encryption.ts: the same synthetic records through the Timpora store without and
// with encryption at rest, in the same page. Bundled and driven by bench/store/encryption.ts.
import { createTimporaClient, type TimporaClient } from '../../sdk/client.ts';
import { TimporaStore } from '../../sdk/store/store.ts';
import { EncryptedTimporaStore } from '../../sdk/security/encrypted-store.ts';
import { queryTokens } from '../../sdk/store/fold.ts';
import type { ForeignerRecord } from '../../sdk/model/types.ts';
import { makeRecords } from './page.ts';

export interface EncLine {
  n: number;
  op: string;
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
  const ins: Record<'plain' | 'encrypted', number[]> = { plain: [], encrypted: [] };
  for (let k = 0; k < reps.insert; k++) {
    const order = k % 2 ? (['encrypted', 'plain'] as const) : (['plain', 'encrypted'] as const);
    for (const who of order) {
      const name = `bench-enc-${who}-${n}-${k}`;
      await deleteDb(name);
      const store = who === 'plain' ? new TimporaStore({ dbName: name, broadcast: false }) : new EncryptedTimporaStore({ dbName: name, broadcast: false, encryption: {} });
      await store.database();
      if (store instanceof EncryptedTimporaStore) await store.keyManager.keys(); // key creation is not part of the insert
      const t0 = performance.now();
      await store.write('records', records.map((entity) => ({ kind: 'create' as const, entity })));
      ins[who].push(performance.now() - t0);
      console.log(`[bench] ${n} ${who} insert ${(performance.now() - t0).toFixed(0)} ms`);
      store.close();
      if (k !== reps.insert - 1) await deleteDb(name);
    }
  }
  lines.push({ n, op: 'bulk insert (store.write, one transaction)', plain: median(ins.plain), encrypted: median(ins.encrypted), samples: reps.insert });

  // ---- reads through the public client on the databases of the last repetition
  const plain = createTimporaClient({ dbName: `bench-enc-plain-${n}-${reps.insert - 1}`, store: { broadcast: false } });
  const enc = createTimporaClient({ dbName: `bench-enc-encrypted-${n}-${reps.insert - 1}`, store: { broadcast: false }, encryption: {} });
  if ((await plain.records.count()) !== n || (await enc.records.count()) !== n) throw new Error('populated databases incomplete');

  const timeBoth = async <X>(op: string, make: () => X, run: (c: TimporaClient, x: X) => Promise<unknown[]>, check: (a: unknown[], b: unknown[]) => void): Promise<void> => {
    const tp: number[] = [];
    const te: number[] = [];
    for (let i = 0; i < 5; i++) {
      const x = make();
      await run(plain, x);
      await run(enc, x);
    }
    for (let i = 0; i < reps.lookups; i++) {
      const x = make();
      const pair: [TimporaClient, number[]][] = i % 2 ? [[enc, te], [plain, tp]] : [[plain, tp], [enc, te]];
      const results: unknown[][] = [];
      for (const [c, into] of pair) {
        const t0 = performance.now();
        results.push(await run(c, x));
        into.push(performance.now() - t0);
      }
      check(results[0] as unknown[], results[1] as unknown[]);
    }
    lines.push({ n, op, plain: median(tp), encrypted: median(te), samples: reps.lookups });
    console.log(`[bench] ${n} ${op}: plain ${median(tp).toFixed(3)} encrypted ${median(te).toFixed(3)}`);
  };
  const sameIds = (a: unknown[], b: unknown[]): void => {
    const ids = (xs: unknown[]): string => xs.map((x) => (x as ForeignerRecord).id).sort().join(',');
    if (ids(a) !== ids(b)) throw new Error(`result mismatch: ${a.length} vs ${b.length}`);
  };

  await timeBoth(
    'lookup by document',
    () => records[Math.floor(r() * n)] as ForeignerRecord,
    (c, rec) => c.records.findByDocument(rec.document.issuingState, rec.document.number),
    (a, b) => {
      sameIds(a, b);
      if (a.length !== 1) throw new Error('document not found');
    },
  );
  await timeBoth(
    'name-prefix search (3 letters, 50 hits)',
    () => (queryTokens((records[Math.floor(r() * n)] as ForeignerRecord).identity.surname)[0] ?? 'mul').slice(0, 3),
    (c, p) => c.records.searchByName(p, { limit: 50 }),
    (a, b) => {
      if (a.length !== b.length) throw new Error(`result count mismatch: ${a.length} vs ${b.length}`);
    },
  );
  await timeBoth(
    'page of 50, newest first',
    () => 0,
    (c) => c.records.query({ sort: 'updatedAt', direction: 'desc', limit: 50 }).then((p) => p.items),
    sameIds,
  );
  await timeBoth(
    'page of 50 filtered by status, newest first',
    () => (['active', 'violation', 'closed'] as const)[Math.floor(r() * 3)] as ForeignerRecord['status'],
    (c, st) => c.records.query({ filter: { status: st }, limit: 50 }).then((p) => p.items),
    sameIds,
  );
  await plain.close();
  await enc.close();
  await deleteDb(`bench-enc-plain-${n}-${reps.insert - 1}`);
  await deleteDb(`bench-enc-encrypted-${n}-${reps.insert - 1}`);
  return lines;
}

declare global {
  interface Window {
    timporaEncBench: { runEncryption: typeof runEncryption };
  }
}
window.timporaEncBench = { runEncryption };
