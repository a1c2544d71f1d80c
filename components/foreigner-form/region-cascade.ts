/**
 * Loading state for the address cascade province -> regency/city -> district -> village
 * (Kemendagri codes, data from `sdk/model/regions.ts`). Provinces and regencies are available at once;
 * districts and villages arrive with their regency's chunk (dynamic import), so each level can be
 * loading or failed (offline with an uncached chunk). A failed level is retried on the next request.
 * @module
 */
import { listProvinces, listRegencies, loadDistricts, loadVillages, type Region } from '../../sdk/model/regions.ts';

/** A level's options, or where loading stands. */
export type RegionOptions = readonly Region[] | 'loading' | 'error';

/** Holds the loaded lists and asks the host to re-render when one arrives. */
export class RegionCascade {
  private readonly districts = new Map<string, RegionOptions>();
  private readonly villages = new Map<string, RegionOptions>();

  constructor(private readonly requestUpdate: () => void) {}

  provinces(): readonly Region[] {
    return listProvinces();
  }

  regencies(province: string): readonly Region[] {
    return province ? listRegencies(province) : [];
  }

  /** Districts of `regency`, starting the load when needed. */
  districtsOf(regency: string): RegionOptions {
    if (!regency) return [];
    return this.get(this.districts, regency, () => loadDistricts(regency));
  }

  /** Villages of `district`, starting the load when needed. */
  villagesOf(district: string): RegionOptions {
    if (!district) return [];
    return this.get(this.villages, district, () => loadVillages(district));
  }

  /** Drop failed entries so the next render retries. */
  retryFailed(): void {
    for (const m of [this.districts, this.villages]) for (const [k, v] of m) if (v === 'error') m.delete(k);
  }

  /** Resolves when every level currently loading has settled (tests, benchmarks). */
  async settled(): Promise<void> {
    for (let i = 0; i < 50 && this.pending.size; i++) await Promise.allSettled([...this.pending]);
  }

  private readonly pending = new Set<Promise<unknown>>();

  private get(map: Map<string, RegionOptions>, key: string, load: () => Promise<readonly Region[]>): RegionOptions {
    const have = map.get(key);
    if (have) return have;
    map.set(key, 'loading');
    const p = load().then(
      (list) => {
        map.set(key, list);
      },
      () => {
        map.set(key, 'error');
      },
    );
    this.pending.add(p);
    void p.finally(() => {
      this.pending.delete(p);
      this.requestUpdate();
    });
    return 'loading';
  }
}
