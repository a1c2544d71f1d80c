/**
 * Indonesian administrative regions on Kemendagri codes: province (`31`), regency/city (`31.71`),
 * district (`31.71.01`) and village (`31.71.01.1001`).
 *
 * **Source and licence.** The data come from the npm package
 * [`idn-area-data`](https://github.com/fityannugroho/idn-area-data) (version in {@link regionDataVersion}),
 * which transcribes the Kemendagri regulation on region codes and names. Its code is MIT-licensed and its
 * data are under the Open Database License (ODbL 1.0): attribution is required and derived databases must
 * stay under ODbL. `sdk/model/regions-data/generate.ts` converts the package's CSV files into the chunks
 * committed in `sdk/model/regions-data/` (see the README there).
 *
 * **Loading.** Provinces and regencies (38 + 514 entries) are part of this module; districts and villages
 * (about 7,300 + 83,800 entries) are split into one chunk per regency and loaded by dynamic import the
 * first time a regency is asked for, then cached. Pure module: no DOM, usable from Node.
 * @module
 */
import { provinces as provinceText, regencies as regencyText, regencyChunks, sourceVersion } from './regions-data/index.ts';

/** Administrative level of a region code. */
export type RegionLevel = 'province' | 'regency' | 'district' | 'village';

/** One administrative region. */
export interface Region {
  /** Kemendagri code with dots, e.g. `31.71.01`. */
  readonly code: string;
  /** Official name as published (provinces and regencies in title case for display). */
  readonly name: string;
  readonly level: RegionLevel;
  /** Code of the enclosing region (`undefined` for provinces). */
  readonly parent?: string;
}

/** Thrown when a region code is malformed or unknown. */
export class RegionError extends Error {
  /** Stable code: `region/invalid-code` or `region/unknown`. */
  readonly code: 'region/invalid-code' | 'region/unknown';
  constructor(code: 'region/invalid-code' | 'region/unknown', message: string) {
    super(message);
    this.name = 'RegionError';
    this.code = code;
  }
}

/** Version of `idn-area-data` the bundled chunks were generated from. */
export const regionDataVersion: string = sourceVersion;

/** Attribution line to show wherever the data are displayed or exported. */
export const regionDataAttribution =
  'Kode wilayah Kemendagri via idn-area-data (ODbL 1.0 / MIT), https://github.com/fityannugroho/idn-area-data';

const CODE_RE = /^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/;

/** Level of a well-formed code, or `null` when the code is not a Kemendagri region code. */
export function regionLevel(code: string): RegionLevel | null {
  if (!CODE_RE.test(code)) return null;
  const parts = code.split('.').length;
  return parts === 1 ? 'province' : parts === 2 ? 'regency' : parts === 3 ? 'district' : 'village';
}

/** Code of the enclosing region, or `undefined` for a province. */
export function parentCode(code: string): string | undefined {
  const at = code.lastIndexOf('.');
  return at < 0 ? undefined : code.slice(0, at);
}

const SMALL_WORDS = new Set(['dan', 'di']);
/** `KOTA ADM. JAKARTA PUSAT` -> `Kota Adm. Jakarta Pusat`; keeps `DKI`, `DI` style acronyms. */
function titleCase(s: string): string {
  return s
    .toLowerCase()
    .split(' ')
    .map((w, i) => {
      if (w === 'dki' || w === 'di') return w.toUpperCase();
      if (i > 0 && SMALL_WORDS.has(w)) return w;
      return w.replace(/(^|[-(/])(\p{L})/gu, (_m, p: string, c: string) => p + c.toUpperCase());
    })
    .join(' ');
}

function parseLines(text: string, level: RegionLevel, prefix: string): Region[] {
  const out: Region[] = [];
  if (!text) return out;
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    const code = prefix + line.slice(0, tab);
    const raw = line.slice(tab + 1);
    const parent = parentCode(code);
    out.push({ code, name: level === 'province' || level === 'regency' ? titleCase(raw) : raw, level, ...(parent ? { parent } : {}) });
  }
  return out;
}

let provinceList: readonly Region[] | undefined;
let regencyList: readonly Region[] | undefined;
const byCode = new Map<string, Region>();

function ensureTop(): void {
  if (provinceList && regencyList) return;
  provinceList = Object.freeze(parseLines(provinceText, 'province', ''));
  regencyList = Object.freeze(parseLines(regencyText, 'regency', ''));
  for (const r of provinceList) byCode.set(r.code, r);
  for (const r of regencyList) byCode.set(r.code, r);
}

/** All 38 provinces, sorted by code. */
export function listProvinces(): readonly Region[] {
  ensureTop();
  return provinceList!;
}

/** Regencies and cities of a province (empty for an unknown province). */
export function listRegencies(provinceCode: string): readonly Region[] {
  ensureTop();
  return regencyList!.filter((r) => r.parent === provinceCode);
}

interface RegencyChunk {
  districts: Region[];
  villagesByDistrict: Map<string, Region[]>;
}
const chunkCache = new Map<string, Promise<RegencyChunk>>();

function loadRegency(regencyCode: string): Promise<RegencyChunk> {
  const cached = chunkCache.get(regencyCode);
  if (cached) return cached;
  const loader = Object.hasOwn(regencyChunks, regencyCode) ? regencyChunks[regencyCode] : undefined;
  if (!loader) {
    return Promise.reject(
      new RegionError(regionLevel(regencyCode) === 'regency' ? 'region/unknown' : 'region/invalid-code', `No regency ${regencyCode}`),
    );
  }
  const p = loader().then((mod) => {
    const districts: Region[] = [];
    const villagesByDistrict = new Map<string, Region[]>();
    for (const r of parseLines(mod.default, 'district', `${regencyCode}.`)) {
      if (r.code.split('.').length === 3) {
        districts.push(r);
        villagesByDistrict.set(r.code, []);
      } else {
        const v: Region = { ...r, level: 'village' };
        villagesByDistrict.get(v.parent!)?.push(v);
        byCode.set(v.code, v);
      }
    }
    for (const d of districts) byCode.set(d.code, d);
    return { districts, villagesByDistrict };
  });
  // A failed load (e.g. offline chunk) must be retryable.
  p.catch(() => chunkCache.delete(regencyCode));
  chunkCache.set(regencyCode, p);
  return p;
}

/** Districts (kecamatan) of a regency; loads that regency's chunk on first use. Rejects with {@link RegionError} for unknown codes. */
export async function loadDistricts(regencyCode: string): Promise<readonly Region[]> {
  return (await loadRegency(regencyCode)).districts;
}

/** Villages (kelurahan/desa) of a district; loads the enclosing regency's chunk on first use. */
export async function loadVillages(districtCode: string): Promise<readonly Region[]> {
  if (regionLevel(districtCode) !== 'district') {
    throw new RegionError('region/invalid-code', `Not a district code: ${districtCode}`);
  }
  const chunk = await loadRegency(parentCode(districtCode)!);
  const list = chunk.villagesByDistrict.get(districtCode);
  if (!list) throw new RegionError('region/unknown', `No district ${districtCode}`);
  return list;
}

/**
 * Looks a region up by code. Provinces and regencies resolve at once; districts and villages resolve
 * after their regency chunk is loaded (this function loads it). Resolves `undefined` for unknown codes.
 */
export async function findRegion(code: string): Promise<Region | undefined> {
  const level = regionLevel(code);
  if (!level) return undefined;
  ensureTop();
  if (level === 'district' || level === 'village') {
    const regency = code.split('.').slice(0, 2).join('.');
    if (!byCode.has(regency)) return undefined;
    await loadRegency(regency);
  }
  return byCode.get(code);
}

/** Synchronous look-up among what is already loaded (all provinces/regencies; loaded districts/villages). */
export function regionFromCache(code: string): Region | undefined {
  ensureTop();
  return byCode.get(code);
}
