import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  listProvinces,
  listRegencies,
  loadDistricts,
  loadVillages,
  findRegion,
  regionLevel,
  parentCode,
  RegionError,
  regionDataVersion,
} from '../../../sdk/model/regions.ts';

const require = createRequire(import.meta.url);
const pkgJson = require.resolve('idn-area-data/package.json');
const dataDir = join(dirname(pkgJson), 'data');
const csvCount = (f: string): number =>
  readFileSync(join(dataDir, f), 'utf8').split('\n').filter((l) => l.trim()).length - 1;

test('chunks were generated from the installed idn-area-data version', () => {
  const v = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  assert.equal(regionDataVersion, v, 'regenerate with node --import tsx sdk/model/regions-data/generate.ts');
});

test('provinces and regencies match the package CSV counts', () => {
  assert.equal(listProvinces().length, csvCount('provinces.csv'));
  const total = listProvinces().reduce((n, p) => n + listRegencies(p.code).length, 0);
  assert.equal(total, csvCount('regencies.csv'));
});

test('DKI Jakarta > Jakarta Pusat > Gambir > Gambir village resolve with names', async () => {
  const dki = listProvinces().find((p) => p.code === '31');
  assert.equal(dki?.name, 'DKI Jakarta');
  const regs = listRegencies('31');
  assert.ok(regs.some((r) => r.code === '31.71' && /Jakarta Pusat/.test(r.name)));
  const districts = await loadDistricts('31.71');
  assert.deepEqual(districts.find((d) => d.code === '31.71.01'), {
    code: '31.71.01',
    name: 'Gambir',
    level: 'district',
    parent: '31.71',
  });
  const villages = await loadVillages('31.71.01');
  assert.ok(villages.some((v) => v.code === '31.71.01.1001' && v.name === 'Gambir' && v.parent === '31.71.01'));
  assert.equal((await findRegion('31.71.01.1002'))?.name, 'Cideng');
});

test('every district and village of the CSVs is reachable through the chunks', async () => {
  let districts = 0;
  let villages = 0;
  for (const p of listProvinces()) {
    for (const r of listRegencies(p.code)) {
      const ds = await loadDistricts(r.code);
      districts += ds.length;
      for (const d of ds) villages += (await loadVillages(d.code)).length;
    }
  }
  assert.equal(districts, csvCount('districts.csv'));
  assert.equal(villages, csvCount('villages.csv'));
});

test('unknown and malformed codes fail with typed errors, not silently', async () => {
  await assert.rejects(loadDistricts('99.99'), (e: unknown) => e instanceof RegionError && e.code === 'region/unknown');
  await assert.rejects(loadDistricts('abc'), (e: unknown) => e instanceof RegionError && e.code === 'region/invalid-code');
  await assert.rejects(loadVillages('31.71'), (e: unknown) => e instanceof RegionError && e.code === 'region/invalid-code');
  await assert.rejects(loadVillages('31.71.99'), (e: unknown) => e instanceof RegionError && e.code === 'region/unknown');
  assert.equal(await findRegion('31.71.99.9999'), undefined);
  assert.equal(await findRegion('x'), undefined);
  assert.equal(listRegencies('00').length, 0);
});

test('code helpers', () => {
  assert.equal(regionLevel('31'), 'province');
  assert.equal(regionLevel('31.71.01.1001'), 'village');
  assert.equal(regionLevel('31.7'), null);
  assert.equal(parentCode('31.71.01'), '31.71');
  assert.equal(parentCode('31'), undefined);
});
