/**
 * IndexedDB write cost per transaction durability in this machine's headless Chromium: the evidence for (or
 * against) applying pulled pages with `durability: 'relaxed'`. Writes `--count` (default 100) transactions of
 * one 2 kB put each under `default`, `strict` and `relaxed`, `--runs` (default 3) rounds in rotating order,
 * and prints the median per mode and the ratios to `default`.
 *
 * Run: `node --import tsx bench/sync/idb-durability.ts [--count 100] [--runs 3]`.
 * Prints figures; asserts nothing (benchmarks are not tests).
 */
import { argOf, blankOriginPage, median } from './common.ts';

const COUNT = argOf('count', 100);
const RUNS = argOf('runs', 3);
const MODES = ['default', 'strict', 'relaxed'] as const;

async function main(): Promise<void> {
  const { browser, page, close } = await blankOriginPage('idb durability');
  try {
    const version = await browser.version();
    const times: Record<string, number[]> = {};
    for (let run = 0; run < RUNS; run++) {
      // Rotate the order so no mode always runs first (cold) or last.
      const order = MODES.map((_, i) => MODES[(i + run) % MODES.length]!);
      for (const mode of order) {
        const ms = await page.evaluate(
          async (durability: IDBTransactionDurability, count: number): Promise<number> => {
            const db = await new Promise<IDBDatabase>((resolve, reject) => {
              const r = indexedDB.open('bench', 1);
              r.onupgradeneeded = () => r.result.createObjectStore('s');
              r.onsuccess = () => resolve(r.result);
              r.onerror = () => reject(r.error);
            });
            const pad = 'x'.repeat(2000);
            const t0 = performance.now();
            for (let i = 0; i < count; i++) {
              await new Promise<void>((resolve, reject) => {
                const tx = db.transaction('s', 'readwrite', { durability });
                tx.objectStore('s').put({ i, pad }, i);
                tx.oncomplete = () => resolve();
                tx.onerror = () => reject(tx.error);
              });
            }
            const elapsed = performance.now() - t0;
            db.close();
            return elapsed;
          },
          mode,
          COUNT,
        );
        (times[mode] ??= []).push(ms);
      }
    }
    const base = median(times['default'] ?? [0]);
    process.stdout.write(`IndexedDB, ${version}: ${COUNT} transactions of one 2 kB put each, median of ${RUNS} runs\n`);
    for (const mode of MODES) {
      const m = median(times[mode] ?? [0]);
      process.stdout.write(
        `${mode.padEnd(8)} ${m.toFixed(0).padStart(6)} ms  (${(m / COUNT).toFixed(2)} ms per transaction, ${(m / base).toFixed(2)}x default; runs ${(times[mode] ?? []).map((x) => x.toFixed(0)).join(', ')})\n`,
      );
    }
  } finally {
    await close();
  }
}

await main();
