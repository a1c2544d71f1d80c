// Browser side of bench/store: the same synthetic records through the Timpora store and through Dexie,
// with the same row shape and the same indexes. Bundled by bench/store/run.ts and driven over puppeteer.
import Dexie, { type Table } from 'dexie';
import { createTimporaClient } from '../../sdk/client.ts';
import { TimporaStore } from '../../sdk/store/store.ts';
import { DEFAULT_RECORD_STATUS, docToken, toStoredRow, type Row } from '../../sdk/store/schema.ts';
import { documentKey, queryTokens } from '../../sdk/store/fold.ts';
import type { ForeignerRecord } from '../../sdk/model/types.ts';

// ---------------------------------------------------------------- synthetic data (seeded)

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

const SURNAMES = ['Müller', 'Schmidt', 'García', 'Martínez', 'Nguyễn', 'Trần', 'Smith', 'Johnson', 'Wang', 'Li', 'Zhang', 'Kim', 'Park', 'Sato', 'Suzuki', 'Dubois', 'Lefèvre', 'Øster', 'Ångström', 'Kowalski', 'Nowak', 'Ivanov', 'Petrov', 'Silva', 'Santos', 'Rossi', 'Russo', 'Jensen', 'Hansen', 'O\'Brien', 'Murphy', 'Kumar', 'Singh', 'Sharma', 'Tanaka', 'Yamamoto', 'Chen', 'Lin', 'Huang', 'Ahmed', 'Hassan', 'Ali', 'Cohen', 'Lévy', 'Fernández', 'López', 'González', 'Pérez', 'Sánchez', 'Ramírez'];
const GIVEN = ['Hans', 'José', 'María', 'Anna', 'Peter', 'Thị', 'Văn', 'John', 'Mary', 'Wei', 'Jun', 'Min', 'Ji-woo', 'Haruto', 'Yuki', 'Élodie', 'Łukasz', 'Søren', 'Ólafur', 'Ivan', 'Olga', 'João', 'Giulia', 'Marco', 'Aoife', 'Priya', 'Arjun', 'Omar', 'Fatima', 'Noah', 'Chloé', 'Zoë'];
const STATES = ['GBR', 'USA', 'AUS', 'CHN', 'JPN', 'KOR', 'IND', 'MYS', 'SGP', 'FRA', 'NLD', 'RUS', 'PHL', 'THA', 'VNM', 'D'];
const STATUSES = ['active', 'active', 'active', 'under_investigation', 'violation', 'deportation', 'closed'] as const;
const AGENCIES = ['imi-jakut', 'imi-denpasar', 'polda-bali', 'polda-metro', 'disnaker-dki', 'kesbangpol-bali'];

/** A passport number that fits the issuing state's pattern in sdk/model/rules.ts, unique per `i`. */
function passportNumber(state: string, i: number): string {
  const d7 = String(i).padStart(7, '0');
  switch (state) {
    case 'GBR':
    case 'USA':
    case 'RUS':
      return '1' + String(i).padStart(8, '0');
    case 'AUS':
      return 'PA' + d7;
    case 'CHN':
      return 'E1' + d7;
    case 'JPN':
      return 'TK' + d7;
    case 'KOR':
      return 'M1' + d7;
    case 'IND':
      return 'K' + d7;
    case 'MYS':
      return 'A1' + d7;
    case 'SGP':
      return 'E' + d7 + 'A';
    case 'FRA':
      return '12AB' + String(i).padStart(5, '0').slice(-5) + '';
    case 'NLD':
      return 'NX' + d7.slice(1) + '1';
    case 'PHL':
      return 'P' + d7 + 'A';
    case 'THA':
      return 'AA' + d7;
    case 'VNM':
      return 'C' + d7;
    default:
      return 'C' + String(i).padStart(8, '0');
  }
}

export function makeRecords(n: number, seed = 42): ForeignerRecord[] {
  const r = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)] as T;
  const base = Date.parse('2024-01-01T00:00:00Z');
  const out: ForeignerRecord[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const state = pick(STATES);
    const updated = new Date(base + Math.floor(r() * 365 * 86_400_000)).toISOString();
    out[i] = {
      id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      sourceAgency: pick(AGENCIES),
      createdAt: updated,
      updatedAt: updated,
      version: 1,
      identity: { surname: pick(SURNAMES) + (r() < 0.5 ? '' : `-${pick(SURNAMES)}`), givenNames: `${pick(GIVEN)} ${pick(GIVEN)}`, sex: r() < 0.5 ? 'M' : 'F', birthDate: '1985-04-12', nationality: state },
      document: { type: 'passport', issuingState: state, number: passportNumber(state, i), issueDate: '2020-01-01', expiryDate: '2030-01-01' },
      permit: { type: 'ITAS', number: `ITAS-${String(i).padStart(6, '0')}`, validFrom: '2024-01-01', validUntil: '2026-01-01', visaIndex: 'E33G' },
      address: { street: `Jl. Sudirman No. ${i % 300}`, region: { province: '31', regency: '31.71' } },
      findings: [],
      status: pick(STATUSES),
    };
  }
  return out;
}

// ---------------------------------------------------------------- harness

/**
 * Asks the Node driver to snapshot the CPU time of this Chromium's processes (outside the timed region), so the
 * report can show CPU seconds next to wall time on a shared machine. A no-op when not driven by run.ts.
 */
async function cpuMark(label: string): Promise<void> {
  const f = (window as unknown as { benchCpuMark?: (l: string) => Promise<void> }).benchCpuMark;
  if (f) await f(label);
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

/** The peer: Dexie over the same rows with the same indexes as sdk/store/schema.ts INDEXES.records (v6: the document key is an entry of nm). */
export class DexieDb extends Dexie {
  records!: Table<Row<ForeignerRecord>, string>;
  constructor(name: string) {
    super(name);
    this.version(1).stores({ records: 'id, upd, *nm, ns, [xst+upd]' });
  }

  /**
   * Newest 50 of one status, read as the Timpora store reads it: the sparse `[xst+upd]` index for a status other
   * than the default, a walk of `upd` keeping the default status's rows otherwise.
   */
  statusPage(st: string): Promise<Row<ForeignerRecord>[]> {
    if (st === DEFAULT_RECORD_STATUS) return this.records.orderBy('upd').reverse().filter((row) => row.st === st).limit(50).toArray();
    return this.records.where('[xst+upd]').between([st, Dexie.minKey], [st, Dexie.maxKey]).reverse().limit(50).toArray();
  }

  /**
   * Up to `limit` rows with a name token starting with `prefix`, read as the Timpora store reads them since schema
   * v5: rows whose sort key `ns` begins with it (their leading token, which `nm` leaves out), then `nm`.
   */
  async namePrefix(prefix: string, limit: number): Promise<Row<ForeignerRecord>[]> {
    const lead = await this.records.where('ns').between([prefix], [prefix + '\uffff']).limit(limit).toArray();
    if (lead.length >= limit) return lead;
    const seen = new Set(lead.map((row) => row.id));
    const rest = await this.records.where('nm').startsWith(prefix).filter((row) => !seen.has(row.id)).distinct().limit(limit - lead.length).toArray();
    return [...lead, ...rest];
  }
}

export interface Line {
  n: number;
  op: string;
  ours: number;
  dexie: number;
  samples: number;
}

/** Runs every measurement for `n` records; returns medians in ms. */
export async function runSize(n: number, reps: { insert: number; clientInsert: number; lookups: number }): Promise<Line[]> {
  const records = makeRecords(n);
  const r = rng(7);
  const lines: Line[] = [];

  // ---- bulk insert (fresh database each repetition; both sides compute the same index keys in the timed part)
  const insOurs: number[] = [];
  const insDexie: number[] = [];
  const insClient: number[] = [];
  for (let k = 0; k < reps.insert; k++) {
    // alternate order so neither side always runs on a warmer/cooler disk cache
    const order = k % 2 ? ['dexie', 'ours'] : ['ours', 'dexie'];
    for (const who of order) {
      const name = `bench-${who}-${n}-${k}`;
      await deleteDb(name);
      if (who === 'ours') {
        const store = new TimporaStore({ dbName: name, broadcast: false });
        await store.database();
        await cpuMark(`ours-${n}:start`);
        const t0 = performance.now();
        await store.write('records', records.map((entity) => ({ kind: 'create' as const, entity })));
        insOurs.push(performance.now() - t0);
        await cpuMark(`ours-${n}:end`);
        console.log(`[bench] ${n} ours insert ${(performance.now() - t0).toFixed(0)} ms`);
        store.close();
        if (k === reps.insert - 1) continue; // kept for the read benchmarks below
      } else {
        const db = new DexieDb(name);
        await db.open();
        await cpuMark(`dexie-${n}:start`);
        const t0 = performance.now();
        await db.records.bulkAdd(records.map((e) => toStoredRow('records', e)));
        insDexie.push(performance.now() - t0);
        await cpuMark(`dexie-${n}:end`);
        console.log(`[bench] ${n} dexie insert ${(performance.now() - t0).toFixed(0)} ms`);
        db.close();
        if (k === reps.insert - 1) continue; // kept for the read benchmarks below
      }
      await deleteDb(name);
    }
  }
  // Through the public client (validation of every record + meta filling included), for reference.
  for (let k = 0; k < reps.clientInsert; k++) {
    const name = `bench-client-${n}-${k}`;
    await deleteDb(name);
    const client = createTimporaClient({ dbName: name, store: { broadcast: false }, now: () => new Date('2025-06-15T00:00:00Z') });
    await client.open();
    const inputs = records.map(({ version: _v, createdAt: _c, updatedAt: _u, ...rest }) => rest);
    await cpuMark(`client-${n}:start`);
    const t0 = performance.now();
    await client.records.putMany(inputs);
    insClient.push(performance.now() - t0);
    await cpuMark(`client-${n}:end`);
    await client.close();
    await deleteDb(name);
  }
  console.log(`[bench] ${n} insert ours ${insOurs.map((x) => x.toFixed(0))} dexie ${insDexie.map((x) => x.toFixed(0))} client ${insClient.map((x) => x.toFixed(0))}`);
  lines.push({ n, op: 'bulk insert (store vs Dexie bulkAdd)', ours: median(insOurs), dexie: median(insDexie), samples: insOurs.length });
  if (insClient.length) lines.push({ n, op: 'bulk insert via client.putMany (validated)', ours: median(insClient), dexie: median(insDexie), samples: insClient.length });

  // ---- populated databases for the read benchmarks
  // The databases written by the last insert repetition.
  const oursName = `bench-ours-${n}-${reps.insert - 1}`;
  const dexName = `bench-dexie-${n}-${reps.insert - 1}`;
  const client = createTimporaClient({ dbName: oursName, store: { broadcast: false } });
  const dexie = new DexieDb(dexName);
  await dexie.open();
  if ((await client.records.count()) !== n || (await dexie.records.count()) !== n) throw new Error('populated databases incomplete');

  const timeBoth = async (
    op: string,
    samples: number,
    make: () => unknown,
    ours: (x: never) => Promise<unknown[]>,
    dex: (x: never) => Promise<unknown[]>,
    check?: (a: unknown[], b: unknown[]) => void,
  ): Promise<void> => {
    const to: number[] = [];
    const td: number[] = [];
    // warm-up
    for (let i = 0; i < 5; i++) {
      const x = make() as never;
      await ours(x);
      await dex(x);
    }
    for (let i = 0; i < samples; i++) {
      const x = make() as never;
      const first = i % 2 === 0;
      let a: unknown[] = [];
      let b: unknown[] = [];
      if (first) {
        let t0 = performance.now();
        a = await ours(x);
        to.push(performance.now() - t0);
        t0 = performance.now();
        b = await dex(x);
        td.push(performance.now() - t0);
      } else {
        let t0 = performance.now();
        b = await dex(x);
        td.push(performance.now() - t0);
        t0 = performance.now();
        a = await ours(x);
        to.push(performance.now() - t0);
      }
      check?.(a, b);
    }
    lines.push({ n, op, ours: median(to), dexie: median(td), samples });
    console.log(`[bench] ${n} ${op}: ours ${median(to).toFixed(3)} dexie ${median(td).toFixed(3)}`);
  };

  const sameLength = (a: unknown[], b: unknown[]): void => {
    if (a.length !== b.length) throw new Error(`result mismatch: ${a.length} vs ${b.length}`);
  };

  await timeBoth(
    'lookup by document',
    reps.lookups,
    () => records[Math.floor(r() * n)] as ForeignerRecord,
    (rec: ForeignerRecord) => client.records.findByDocument(rec.document.issuingState, rec.document.number),
    (rec: ForeignerRecord) => dexie.records.where('nm').equals(docToken(documentKey(rec.document.issuingState, rec.document.number))).toArray(),
    (a, b) => {
      sameLength(a, b);
      if (a.length !== 1) throw new Error('document not found');
    },
  );

  const prefixes = (): string => {
    const rec = records[Math.floor(r() * n)] as ForeignerRecord;
    const tok = queryTokens(rec.identity.surname)[0] ?? 'mul';
    return tok.slice(0, 3);
  };
  await timeBoth(
    'name-prefix search (3 letters, 50 hits)',
    reps.lookups,
    prefixes,
    (p: string) => client.records.searchByName(p, { limit: 50 }),
    (p: string) => dexie.namePrefix(p, 50),
    sameLength,
  );

  await timeBoth(
    'page of 50, newest first',
    reps.lookups,
    () => 0,
    () => client.records.query({ sort: 'updatedAt', direction: 'desc', limit: 50 }).then((p) => p.items),
    () => dexie.records.orderBy('upd').reverse().limit(50).toArray(),
    (a, b) => {
      sameLength(a, b);
      if ((a[0] as ForeignerRecord).id !== (b[0] as Row<ForeignerRecord>).v.id) throw new Error('page order differs');
    },
  );

  // a deeper page: continue after a random position (keyset cursor on both sides)
  const sortedKeys = records.map((e) => [e.updatedAt, e.id] as [string, string]).sort((a, b) => (a[0] === b[0] ? (a[1] < b[1] ? -1 : 1) : a[0] < b[0] ? -1 : 1));
  const encode = (key: unknown): string => {
    const bytes = new TextEncoder().encode(JSON.stringify(key));
    let bin = '';
    for (const b of bytes) bin += String.fromCharCode(b);
    return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  await timeBoth(
    'page of 50, newest first, after a cursor',
    reps.lookups,
    () => sortedKeys[Math.floor(r() * (n - 100)) + 100] as [string, string],
    (key: [string, string]) => client.records.query({ sort: 'updatedAt', direction: 'desc', limit: 50, cursor: encode(key) }).then((p) => p.items),
    (key: [string, string]) => dexie.records.where('upd').below(key).reverse().limit(50).toArray(),
    sameLength,
  );

  await timeBoth(
    'page of 50 filtered by status, newest first',
    reps.lookups,
    () => STATUSES[Math.floor(r() * STATUSES.length)] as string,
    (st: string) => client.records.query({ filter: { status: st as ForeignerRecord['status'] }, limit: 50 }).then((p) => p.items),
    (st: string) => dexie.statusPage(st),
    sameLength,
  );

  await client.close();
  dexie.close();
  await deleteDb(oursName);
  await deleteDb(dexName);
  return lines;
}

declare global {
  interface Window {
    timporaBench: { runSize: typeof runSize };
  }
}
window.timporaBench = { runSize };
