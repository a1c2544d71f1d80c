/**
 * IndexedDB cost of applying pulled pages in this machine's headless Chromium, by ingredient: the read of the
 * cached entity before each write, the six record indexes of schema v2 (all, none, or v3's four: without the
 * two filter indexes `st_upd`/`src_upd`; v4's four plus the sparse status index `xst_upd` with 0, 10 or 100% of
 * the rows not `active`), the page size and the transaction durability. Beside the wall time, the CPU time of the
 * renderer and of the browser process (where Chromium runs the IndexedDB backend), which a loaded machine
 * inflates far less than the wall time.
 * Applies `--records` (default 10,000) record rows built with the store's own `toStoredRow` (the bench records of
 * `seed.ts` as the server returns them) in pages of `--page` (default 1,000) into a fresh database per
 * variant, every request of a page issued before the first answer is awaited (as the puller does), `--runs`
 * (default 3) rounds in rotating order; prints the median per variant.
 *
 * Run: `node --import tsx bench/sync/idb-pull-apply.ts [--records 10000] [--page 1000] [--runs 3] [--only <text>]`.
 * Prints figures; asserts nothing (benchmarks are not tests).
 */
import { compactNames, INDEXES, toRow, toStoredRow } from '../../sdk/store/schema.ts';
import type { ForeignerRecord } from '../../sdk/model/types.ts';
import { argOf, blankOriginPage, cpuSince, median, processTreeCpu, record } from './common.ts';

const RECORDS = argOf('records', 10_000);
const PAGE = argOf('page', 1000);
const RUNS = argOf('runs', 3);

interface Variant {
  name: string;
  read: boolean;
  indexes: boolean;
  page: number;
  durability: IDBTransactionDurability;
  /** Store the entity as a JSON string (cheaper structured clone). */
  json?: boolean;
  /** Write with add() (no overwrite) instead of put(). */
  add?: boolean;
  /** Await a promise per put (as `req()` does). */
  promises?: boolean;
  /** Only these record indexes (with `indexes`). */
  only?: string[];
  /** Every n-th row gets status `closed` (and so a sparse `xst` key); the rest stay `active`. */
  rareEvery?: number;
  /** Rows as schema v4 wrote them (`toRow`: every name token in `nm`) instead of v5's. */
  v4Rows?: boolean;
  /** Rows as schema v6 writes them (`toStoredRow`: the document key in `nm`, no `doc` index) instead of v5's. */
  v6Rows?: boolean;
  /**
   * Row shape experiment on v5 rows: `oneIndex` puts every key (`upd`, `ns`, `doc`, name tokens) into one
   * multiEntry index `k` of tagged arrays (same entries, one index instead of four).
   */
  shape?: 'oneIndex';
}
const ALL_VARIANTS: Variant[] = [
  { name: 'read + put, 6 indexes (before)', read: true, indexes: true, page: PAGE, durability: 'default' },
  { name: 'put only, 6 indexes', read: false, indexes: true, page: PAGE, durability: 'default' },
  { name: 'read + put, no indexes', read: true, indexes: false, page: PAGE, durability: 'default' },
  { name: 'put only, no indexes', read: false, indexes: false, page: PAGE, durability: 'default' },
  { name: 'put only, 4 indexes, entity as JSON text', read: false, indexes: true, page: PAGE, durability: 'default', json: true, only: ['upd', 'doc', 'nm', 'ns'] },
  { name: 'put only, 4 indexes (no st_upd, src_upd)', read: false, indexes: true, page: PAGE, durability: 'default', only: ['upd', 'doc', 'nm', 'ns'] },
  // Schema v4: v3's four plus the sparse status index, which only rows not `active` enter.
  ...([0, 10, 1] as const).map((every): Variant => ({
    name: `put only, 4 indexes (no st_upd, src_upd) + sparse xst_upd, ${every ? 100 / every : 0}% not active`,
    read: false,
    indexes: true,
    page: PAGE,
    durability: 'default',
    only: ['upd', 'doc', 'nm', 'ns', 'xst_upd'],
    ...(every ? { rareEvery: every } : {}),
  })),
  // Schema v5 against v4: the same indexes, `nm` without the token `ns` begins with (one index entry less per row).
  { name: 'v5 rows (nm without the leading name token)', read: false, indexes: true, page: PAGE, durability: 'default', only: ['upd', 'doc', 'nm', 'ns', 'xst_upd'] },
  { name: 'v5 rows without doc (one entry and index less)', read: false, indexes: true, page: PAGE, durability: 'default', only: ['upd', 'nm', 'ns', 'xst_upd'] },
  // Schema v6 against v5: the document key is an entry of `nm` (same entries, one index less).
  { name: 'v6 rows (doc in nm, no doc index)', read: false, indexes: true, page: PAGE, durability: 'default', only: ['upd', 'nm', 'ns', 'xst_upd'], v6Rows: true },
  // Does an index cost a put when the row has no key for it (the sparse status index, all rows `active`)?
  { name: 'v6 rows, entity as JSON text', read: false, indexes: true, page: PAGE, durability: 'default', only: ['upd', 'nm', 'ns', 'xst_upd'], v6Rows: true, json: true },
  { name: 'v6 rows without the sparse xst_upd index', read: false, indexes: true, page: PAGE, durability: 'default', only: ['upd', 'nm', 'ns'], v6Rows: true },
  { name: 'v5 rows, every key in one multiEntry index', read: false, indexes: true, page: PAGE, durability: 'default', only: ['k', 'xst_upd'], shape: 'oneIndex' },
  { name: 'v5 rows without upd', read: false, indexes: true, page: PAGE, durability: 'default', only: ['doc', 'nm', 'ns', 'xst_upd'] },
  { name: 'v4 rows (every name token in nm)', read: false, indexes: true, page: PAGE, durability: 'default', only: ['upd', 'doc', 'nm', 'ns', 'xst_upd'], v4Rows: true },
  // Schema v5 rows by transaction size (one transaction per page).
  ...[PAGE / 10, PAGE / 5, PAGE / 2, PAGE * 2, PAGE * 10].map((page): Variant => ({ name: `v5 rows, pages of ${page}`, read: false, indexes: true, page, durability: 'default', only: ['upd', 'doc', 'nm', 'ns', 'xst_upd'] })),
  { name: 'v5 rows, entity as JSON text', read: false, indexes: true, page: PAGE, durability: 'default', only: ['upd', 'doc', 'nm', 'ns', 'xst_upd'], json: true },
  { name: 'v5 rows, no indexes', read: false, indexes: false, page: PAGE, durability: 'default' },
  { name: 'v5 rows, add() instead of put()', read: false, indexes: true, page: PAGE, durability: 'default', only: ['upd', 'doc', 'nm', 'ns', 'xst_upd'], add: true },
  { name: `put only, 6 indexes, pages of ${PAGE * 2}`, read: false, indexes: true, page: PAGE * 2, durability: 'default' },
  { name: 'put only, 6 indexes, relaxed', read: false, indexes: true, page: PAGE, durability: 'relaxed' },
  { name: 'put only, 6 indexes, entity as JSON text', read: false, indexes: true, page: PAGE, durability: 'default', json: true },
  { name: 'read + put, 6 indexes, a promise per request', read: true, indexes: true, page: PAGE, durability: 'default', promises: true },
];

/**
 * The six record indexes of schema v2 (v3 dropped `st_upd` and `src_upd`; rows still carry `st` and `src`), plus
 * v4's sparse `xst_upd`, which only the variants naming it in `only` create.
 */
const RECORD_INDEXES: Record<string, { keyPath: string | string[]; multiEntry?: boolean }> = {
  ...INDEXES.records,
  st_upd: { keyPath: ['st', 'upd'] },
  src_upd: { keyPath: ['src', 'upd'] },
  doc: { keyPath: 'doc' },
  k: { keyPath: 'k', multiEntry: true },
};

/**
 * `--only <text>`: only the variants whose name contains the text, or one of several texts separated by `|` (the
 * first one listed is the 1.00x base).
 */
const ONLY = process.argv.includes('--only') ? (process.argv[process.argv.indexOf('--only') + 1] ?? '') : '';
const VARIANTS = ALL_VARIANTS.filter((v) => ONLY.split('|').some((text) => v.name.includes(text)));

async function main(): Promise<void> {
  const now = new Date().toISOString();
  const entities = Array.from({ length: RECORDS }, (_, i) => {
    return { ...(JSON.parse(record(i)) as object), id: crypto.randomUUID(), version: 1, sourceAgency: 'imi-jakut', createdAt: now, updatedAt: now } as unknown as ForeignerRecord;
  });
  const rows = entities.map((e) => compactNames(toRow('records', e)));
  const v4Rows = entities.map((e) => toRow('records', e));
  const v6Rows = entities.map((e) => toStoredRow('records', e));
  const { browser, page, close } = await blankOriginPage('idb pull apply');
  try {
    await page.evaluate(
      (r: unknown[], r4: unknown[], r6: unknown[]) => {
        Object.assign(globalThis, { rows: r, v4Rows: r4, v6Rows: r6 });
      },
      rows,
      v4Rows,
      v6Rows,
    );
    const times: Record<string, number[]> = {};
    /** Renderer time spent inside the put() calls themselves (serialisation, index key extraction). */
    const issue: Record<string, number[]> = {};
    const cpu: Record<string, { renderer: number[]; browser: number[] }> = {};
    const root = browser.process()?.pid ?? 0;
    for (let run = 0; run < RUNS; run++) {
      const order = VARIANTS.map((_, i) => VARIANTS[(i + run) % VARIANTS.length]!);
      for (const v of order) {
        const before = processTreeCpu(root);
        const [ms, issueMs] = await page.evaluate(
          async (variant: Variant, indexes: Record<string, { keyPath: string | string[]; multiEntry?: boolean }>, name: string): Promise<[number, number]> => {
            const g = globalThis as unknown as Record<'rows' | 'v4Rows' | 'v6Rows', Array<{ id: string; v: unknown }>>;
            const raw = variant.v4Rows ? g.v4Rows : variant.v6Rows ? g.v6Rows : g.rows;
            const every = variant.rareEvery;
            const mixed = every ? raw.map((r, i) => (i % every === 0 ? { ...r, v: { ...(r.v as object), status: 'closed' }, st: 'closed', xst: 'closed' } : r)) : raw;
            type R = { id: string; v: unknown; upd?: unknown[]; ns?: unknown[]; doc?: string; nm?: string[] };
            const shaped = (mixed as R[]).map((r): R => {
              if (variant.shape === 'oneIndex') {
                const { doc, nm, ns, upd, ...rest } = r;
                return { ...rest, k: [['u', ...(upd ?? [])], ['n', ...(ns ?? [])], ...(doc !== undefined ? [['d', doc]] : []), ...(nm ?? []).map((t) => ['t', t])] } as R;
              }
              return r;
            });
            const all = variant.json ? shaped.map((r) => ({ ...r, v: JSON.stringify(r.v) })) : shaped;

            const db = await new Promise<IDBDatabase>((resolve, reject) => {
              const r = indexedDB.open(name, 1);
              r.onupgradeneeded = () => {
                const s = r.result.createObjectStore('records', { keyPath: 'id' });
                if (variant.indexes) for (const [n, d] of Object.entries(indexes)) if (variant.only ? variant.only.includes(n) : n !== 'xst_upd' && n !== 'k') s.createIndex(n, d.keyPath, { multiEntry: d.multiEntry ?? false });
                r.result.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true }).createIndex('entity', ['collection', 'id']);
                r.result.createObjectStore('meta');
              };
              r.onsuccess = () => resolve(r.result);
              r.onerror = () => reject(r.error);
            });
            const t0 = performance.now();
            let issue = 0;
            for (let start = 0; start < all.length; start += variant.page) {
              const chunk = all.slice(start, start + variant.page);
              await new Promise<void>((resolve, reject) => {
                const tx = db.transaction(['records', 'outbox', 'meta'], 'readwrite', { durability: variant.durability });
                const os = tx.objectStore('records');
                // The writes go out once the outbox read (and, with `read`, every get) answered, as in the puller.
                let left = 1 + (variant.read ? chunk.length : 0);
                const step = {
                  answered(): void {
                    if (--left > 0) return;
                    const i0 = performance.now();
                    for (const r of chunk) {
                      if (!variant.promises) {
                        if (variant.add) os.add(r);
                        else os.put(r);
                        continue;
                      }
                      void new Promise((res, rej) => {
                        const q = os.put(r);
                        q.onsuccess = () => res(q.result);
                        q.onerror = () => rej(q.error);
                      });
                    }
                    issue += performance.now() - i0;
                    tx.objectStore('meta').put(String(start), 'cursor');
                  },
                };
                tx.objectStore('outbox').getAll().onsuccess = () => step.answered();
                if (variant.read) for (const row of chunk) os.get(row.id).onsuccess = () => step.answered();
                tx.oncomplete = () => resolve();
                tx.onerror = () => reject(tx.error);
              });
            }
            const elapsed = performance.now() - t0;
            db.close();
            return [elapsed, issue];
          },
          v,
          RECORD_INDEXES,
          `apply-${run}-${v.name}`,
        );
        // CPU of the apply only: the database is deleted after the measurement.
        const used = cpuSince(before, processTreeCpu(root));
        await page.evaluate(
          (name: string) =>
            new Promise((r) => {
              const d = indexedDB.deleteDatabase(name);
              d.onsuccess = d.onerror = r;
            }),
          `apply-${run}-${v.name}`,
        );
        (times[v.name] ??= []).push(ms);
        (issue[v.name] ??= []).push(issueMs);
        const c = (cpu[v.name] ??= { renderer: [], browser: [] });
        c.renderer.push(used.get('renderer') ?? 0);
        c.browser.push(used.get('main') ?? 0);
      }
    }
    process.stdout.write(`IndexedDB, ${await browser.version()}: ${RECORDS} record rows applied in pages, median of ${RUNS} runs\n`);
    const base = median(times[VARIANTS[0]!.name] ?? [0]);
    for (const v of VARIANTS) {
      const m = median(times[v.name] ?? [0]);
      const c = cpu[v.name] ?? { renderer: [0], browser: [0] };
      const cpuNote = `; put() calls ${median(issue[v.name] ?? [0]).toFixed(0)} ms${root ? `; CPU renderer ${median(c.renderer).toFixed(0)} ms, browser ${median(c.browser).toFixed(0)} ms` : ''}`;
      process.stdout.write(`${v.name.padEnd(40)} ${m.toFixed(0).padStart(6)} ms  (${(m / base).toFixed(2)}x; runs ${(times[v.name] ?? []).map((x) => x.toFixed(0)).join(', ')}${cpuNote})\n`);
    }
  } finally {
    await close();
  }
}

await main();
