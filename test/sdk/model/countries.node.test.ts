import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COUNTRIES, countryName, findCountry, isKnownStateCode, normalizeStateCode, searchCountries } from '../../../sdk/model/countries.ts';

test('every ISO 3166-1 alpha-3 code (249), unique codes and alpha-2, both languages filled', () => {
  const iso = COUNTRIES.filter((c) => c.kind === 'iso');
  assert.equal(iso.length, 249);
  assert.equal(new Set(COUNTRIES.map((c) => c.code)).size, COUNTRIES.length);
  assert.equal(new Set(iso.map((c) => c.alpha2)).size, 249);
  for (const c of COUNTRIES) {
    assert.ok(c.nameEn.trim().length > 1 && c.nameId.trim().length > 1, c.code);
    if (c.kind === 'iso') assert.match(c.code, /^[A-Z]{3}$/);
  }
  assert.equal(findCountry('IDN')?.nameId, 'Indonesia');
  assert.equal(findCountry('NLD')?.nameId, 'Belanda');
  assert.equal(findCountry('DEU')?.nameEn, 'Germany');
  assert.equal(findCountry('CHN')?.alpha2, 'CN');
});

test('ICAO non-ISO codes and Germany D / D<<', () => {
  for (const code of ['D', 'D<<', 'UNO', 'UNA', 'UNK', 'XXA', 'XXB', 'XXC', 'XXX', 'GBD', 'GBN', 'GBO', 'GBP', 'GBS', 'EUE', 'RKS', 'XPO', 'XOM']) {
    assert.equal(isKnownStateCode(code), true, code);
  }
  assert.equal(findCountry('D<<')?.sameAs, 'DEU');
  assert.equal(normalizeStateCode(' d<< '), 'D');
  assert.equal(countryName('D<<', 'id'), 'Jerman');
  assert.equal(countryName('D<<', 'en'), 'Germany');
});

test('unknown codes, specimen only when allowed', () => {
  for (const code of ['', 'QQQ', '132', 'ZZZ', 'ABCD', 'IDNX']) assert.equal(isKnownStateCode(code), false, code);
  assert.equal(isKnownStateCode('UTO'), false);
  assert.equal(isKnownStateCode('UTO', { allowSpecimen: true }), true);
  assert.equal(countryName('QQQ'), 'QQQ');
});

test('search: accent- and case-insensitive prefix and word match, ranked, per language', () => {
  assert.deepEqual(searchCountries('jer', 'id').map((c) => c.code), ['DEU', 'JEY']);
  assert.ok(searchCountries('jer', 'id', { includeLegacy: true }).some((c) => c.code === 'D'));
  assert.deepEqual(searchCountries('germ', 'en').map((c) => c.code), ['DEU']);
  assert.equal(searchCountries('COTE', 'en')[0]?.code, 'CIV');
  assert.equal(searchCountries('aland', 'en')[0]?.code, 'ALA');
  // Exact code first.
  assert.equal(searchCountries('idn', 'en')[0]?.code, 'IDN');
  assert.equal(searchCountries('NL', 'id')[0]?.code, 'NLD');
  // Word prefix: "selatan" finds South Korea, South Africa, South Sudan...
  const selatan = searchCountries('selatan', 'id').map((c) => c.code);
  for (const code of ['KOR', 'ZAF', 'SSD']) assert.ok(selatan.includes(code), code);
  // Multi-word query: every word must match a word prefix.
  assert.deepEqual(searchCountries('korea sel', 'id').map((c) => c.code), ['KOR']);
  // Other language as a fallback, after matches in the chosen language.
  assert.equal(searchCountries('netherlands', 'id')[0]?.code, 'NLD');
  assert.deepEqual(searchCountries('', 'id'), []);
  assert.deepEqual(searchCountries('   ', 'en'), []);
  assert.equal(searchCountries('a', 'en', { limit: 5 }).length, 5);
  // Specimen and legacy aliases only on request.
  assert.equal(searchCountries('utopia', 'en').length, 0);
  assert.equal(searchCountries('utopia', 'en', { includeSpecimen: true })[0]?.code, 'UTO');
  assert.ok(!searchCountries('BDR', 'en').some((c) => c.code === 'BDR'));
  assert.ok(searchCountries('BDR', 'en', { includeLegacy: true }).some((c) => c.code === 'BDR'));
});
